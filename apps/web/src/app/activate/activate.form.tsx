'use client';

import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { activateRequestSchema } from '@polis/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { ApiError, isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useActivate } from '@/lib/queries';

type TokenProblem = 'missingToken' | 'invalidToken' | 'expiredToken';

function tokenProblemOf(error: unknown): TokenProblem | null {
  if (!isApiError(error)) return null;
  if (error.code === 'activation_token_expired' || error.status === 410) return 'expiredToken';
  if (error.code === 'invalid_activation_token') return 'invalidToken';
  // The token itself failed the contract (e.g. truncated to nothing when copied).
  if (error.issues.some((issue) => issue.path[0] === 'token')) return 'invalidToken';
  return null;
}

/** Sets the first password of an invited user; success signs them in. */
export function ActivateForm({ token }: { token: string }) {
  const t = useTranslations('activate');
  const tv = useTranslations('validation');
  const router = useRouter();
  const activate = useActivate();
  const { describe, fieldErrors } = useErrorMessages();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [tokenProblem, setTokenProblem] = useState<TokenProblem | null>(token === '' ? 'missingToken' : null);

  if (tokenProblem) {
    return (
      <Stack gap="md">
        <Alert color="red" role="alert" variant="light">
          {t(`errors.${tokenProblem}`)}
        </Alert>
        <Button component={Link} href="/login" variant="light">
          {t('toLogin')}
        </Button>
      </Stack>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = activateRequestSchema.safeParse({ token, password });
    const next: Record<string, string> = parsed.success
      ? {}
      : fieldErrors(ApiError.validation(parsed.error.issues.filter((issue) => issue.path[0] === 'password')));
    if (confirm !== password) next.confirm = tv('passwordsMismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) return;

    activate.mutate(
      { token, password },
      {
        onSuccess: () => router.replace('/'),
        onError: (error) => {
          const problem = tokenProblemOf(error);
          if (problem) {
            setTokenProblem(problem);
            return;
          }
          const fields = isApiError(error) && error.code === 'validation_error' ? fieldErrors(error) : {};
          if (Object.keys(fields).length > 0) setErrors(fields);
          else setFormError(describe(error));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {formError && (
          <Alert color="red" role="alert" variant="light">
            {formError}
          </Alert>
        )}
        <PasswordInput
          label={t('password')}
          description={t('passwordHint')}
          name="password"
          autoComplete="new-password"
          withAsterisk
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
          // Mantine marks text inputs invalid itself, but not password inputs.
          aria-invalid={errors.password ? true : undefined}
        />
        <PasswordInput
          label={t('confirm')}
          name="confirm"
          autoComplete="new-password"
          withAsterisk
          value={confirm}
          onChange={(event) => setConfirm(event.currentTarget.value)}
          error={errors.confirm}
          // Mantine marks text inputs invalid itself, but not password inputs.
          aria-invalid={errors.confirm ? true : undefined}
        />
        <Button type="submit" loading={activate.isPending} fullWidth>
          {t('submit')}
        </Button>
      </Stack>
    </form>
  );
}
