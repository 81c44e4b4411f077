'use client';

import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { PASSWORD_CHANGE_REQUIRED, passwordChangeRequiredDetailsSchema } from '@polis/contracts';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { isApiError, safeNextPath } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useLogin } from '@/lib/queries';

type Reason = 'expired' | 'disabled';

function isReason(value: string | undefined): value is Reason {
  return value === 'expired' || value === 'disabled';
}

/**
 * Where a sign-in that must first set a new password continues: the set-password step with the
 * single-use change token of the 403, then the page the user came from. Null if the token is absent.
 */
function changePasswordPath(error: unknown, next: string | undefined): string | null {
  if (!isApiError(error) || error.code !== PASSWORD_CHANGE_REQUIRED) return null;
  const details = passwordChangeRequiredDetailsSchema.safeParse(error.details);
  if (!details.success) return null;
  const params = new URLSearchParams({ token: details.data.changeToken, mode: 'change' });
  const target = safeNextPath(next);
  if (target !== '/') params.set('next', target);
  return `/activate?${params.toString()}`;
}

/** `next`: where the user was sent from; `reason`: why the previous session ended. */
export function LoginForm({ next, reason }: { next?: string; reason?: string }) {
  const t = useTranslations('login');
  const router = useRouter();
  const login = useLogin();
  const { describe, fieldErrors, waitTime } = useErrorMessages();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const failureMessage = (error: unknown): string => {
    if (!isApiError(error)) return describe(error);
    switch (error.code) {
      case 'invalid_credentials':
        return t('errors.invalidCredentials');
      case 'user_disabled':
        return t('errors.userDisabled');
      case 'rate_limited':
        return t('errors.rateLimited', { wait: waitTime(error.retryAfterSeconds) });
      case 'temporary_password_expired':
        return t('errors.temporaryPasswordExpired');
      default:
        return describe(error);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    login.mutate(
      { email, password },
      {
        onSuccess: () => router.replace(safeNextPath(next)),
        onError: (error) => {
          const changePath = changePasswordPath(error, next);
          if (changePath) {
            router.replace(changePath);
            return;
          }
          const fields = isApiError(error) && error.code === 'validation_error' ? fieldErrors(error) : {};
          if (Object.keys(fields).length > 0) setErrors(fields);
          else setFormError(failureMessage(error));
        },
      },
    );
  };

  const notice = !formError && isReason(reason) ? t(`reason.${reason}`) : null;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {formError && (
          <Alert color="red" role="alert" variant="light">
            {formError}
          </Alert>
        )}
        {notice && (
          <Alert color={reason === 'disabled' ? 'red' : 'blue'} role="status" variant="light">
            {notice}
          </Alert>
        )}
        <TextInput
          label={t('email')}
          type="email"
          name="email"
          autoComplete="username"
          withAsterisk
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={errors.email}
        />
        <PasswordInput
          label={t('password')}
          name="password"
          autoComplete="current-password"
          withAsterisk
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
          // Mantine marks text inputs invalid itself, but not password inputs.
          aria-invalid={errors.password ? true : undefined}
        />
        <Button type="submit" loading={login.isPending} fullWidth>
          {t('submit')}
        </Button>
      </Stack>
    </form>
  );
}
