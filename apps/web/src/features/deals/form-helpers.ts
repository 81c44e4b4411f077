'use client';

import { useFormErrors } from '@/lib/use-form-errors';
import { useCrmError } from './deal-shared';

/** Error state of the CRM forms: CRM's refusals in its own words (`policy_number_exists` → that field). */
export function useCrmFormErrors(fieldOf: Readonly<Record<string, string>> = {}) {
  return useFormErrors({ describe: useCrmError(), fieldOf });
}
