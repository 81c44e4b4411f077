'use client';

import { useState } from 'react';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';

export interface FormErrorsOptions {
  /** The sentence for an error; by default the generic one for its status and code. */
  describe?: (error: unknown) => string;
  /** Error codes that belong to one field (`policy_number_exists` → `policyNumber`): their sentence goes there. */
  fieldOf?: Readonly<Record<string, string>>;
  /** The per-field messages of an error; by default every field the error names. */
  fields?: (error: unknown) => Record<string, string>;
}

/**
 * Error state of a form: the contract's zod issues (checked before sending) and the API's
 * problem+json field errors land next to their fields; anything else above the form.
 */
export function useFormErrors({ describe, fieldOf = {}, fields }: FormErrorsOptions = {}) {
  const messages = useErrorMessages();
  const sentence = describe ?? messages.describe;
  const fieldMessages = fields ?? messages.fieldErrors;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clear = () => {
    setErrors({});
    setFormError(null);
  };

  /** Shows an error: a known code that belongs to a field goes to that field. */
  const show = (error: unknown) => {
    const field = isApiError(error) && Object.hasOwn(fieldOf, error.code) ? fieldOf[error.code] : undefined;
    if (field) {
      setErrors({ [field]: sentence(error) });
      setFormError(null);
      return;
    }
    const byField = isApiError(error) ? fieldMessages(error) : {};
    if (Object.keys(byField).length > 0) {
      setErrors(byField);
      setFormError(null);
      return;
    }
    setErrors({});
    setFormError(sentence(error));
  };

  return { errors, formError, setErrors, clear, show };
}
