'use client';

import { useTranslations } from 'next-intl';
import { useCallback } from 'react';
import { isApiError, type ValidationIssue } from '@/lib/api';

/** Server field messages we know and translate; others are shown as the server wrote them. */
const KNOWN_FIELD_MESSAGES = {
  'must differ from the email': 'differFromEmail',
} as const;

function isKnownFieldMessage(message: string): message is keyof typeof KNOWN_FIELD_MESSAGES {
  return message in KNOWN_FIELD_MESSAGES;
}

/** Turns API errors into sentences for people: a whole-form message and per-field messages. */
export function useErrorMessages() {
  const t = useTranslations();

  const waitTime = useCallback(
    (seconds: number | undefined): string => {
      const total = Math.max(1, seconds ?? 60);
      return total <= 90
        ? t('errors.seconds', { count: total })
        : t('errors.minutes', { count: Math.ceil(total / 60) });
    },
    [t],
  );

  const describe = useCallback(
    (error: unknown): string => {
      if (!isApiError(error)) return t('errors.unexpected', { code: 'client_error' });
      if (error.status === 0) return t('errors.network');
      if (error.status === 429) return t('errors.rateLimited', { wait: waitTime(error.retryAfterSeconds) });
      if (error.status === 403) return t('errors.forbidden');
      if (error.status === 404) return t('errors.notFound');
      if (error.status === 502 || error.status === 503 || error.status === 504) return t('errors.unavailable');
      return t('errors.unexpected', { code: error.code });
    },
    [t, waitTime],
  );

  const issueMessage = useCallback(
    (issue: ValidationIssue): string => {
      switch (issue.code) {
        case 'too_small':
          return Number(issue.minimum) <= 1
            ? t('validation.required')
            : t('validation.minLength', { min: Number(issue.minimum) });
        case 'too_big':
          return t('validation.maxLength', { max: Number(issue.maximum) });
        case 'invalid_format':
          return issue.format === 'email' ? t('validation.email') : t('validation.invalid');
        case 'invalid_type':
          return t('validation.required');
        default:
          return t('validation.invalid');
      }
    },
    [t],
  );

  /** Field name → message; the first problem of each field wins. */
  const fieldErrors = useCallback(
    (error: unknown): Record<string, string> => {
      const result: Record<string, string> = {};
      if (!isApiError(error)) return result;
      for (const issue of error.issues) {
        const field = String(issue.path[0] ?? '');
        result[field] ??= issueMessage(issue);
      }
      if (error.issues.length === 0) {
        for (const { field, message } of error.errors) {
          const name = field.replace(/^body\./, '').split('.')[0] ?? field;
          result[name] ??= isKnownFieldMessage(message) ? t(`validation.${KNOWN_FIELD_MESSAGES[message]}`) : message;
        }
      }
      return result;
    },
    [t, issueMessage],
  );

  return { describe, fieldErrors, waitTime };
}
