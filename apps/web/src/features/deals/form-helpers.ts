'use client';

import { useState } from 'react';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useCrmError } from './deal-shared';

/**
 * Form error state shared by the CRM forms: the contract's zod issues (checked before sending) and
 * the API's problem+json field errors land next to their fields; anything else above the form.
 */
export function useFormErrors(fieldOf: Readonly<Record<string, string>> = {}) {
  const { fieldErrors } = useErrorMessages();
  const crmError = useCrmError();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clear = () => {
    setErrors({});
    setFormError(null);
  };

  /** Shows an error: known codes that belong to a field (`policy_number_exists`) go to that field. */
  const show = (error: unknown) => {
    const fields = isApiError(error) ? fieldErrors(error) : {};
    if (isApiError(error) && fieldOf[error.code]) {
      setErrors({ [fieldOf[error.code] as string]: crmError(error) });
      setFormError(null);
      return;
    }
    if (Object.keys(fields).length > 0) {
      setErrors(fields);
      setFormError(null);
      return;
    }
    setErrors({});
    setFormError(crmError(error));
  };

  return { errors, formError, setErrors, clear, show };
}
