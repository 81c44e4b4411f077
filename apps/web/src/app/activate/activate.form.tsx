'use client';

import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { activateRequestSchema } from '@polis/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { ApiError, isApiError, safeNextPath } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useActivate } from '@/lib/queries';
import type { ActivateMode } from './activate-mode';

type TokenProblem = 'missingToken' | 'invalidToken' | 'expiredToken';

function tokenProblemOf(error: unknown): TokenProblem | null {
  if (!isApiError(error)) return null;
  if (error.code === 'activation_token_expired' || error.status === 410) return 'expiredToken';
  if (error.code === 'invalid_activation_token') return 'invalidToken';
  // The token itself failed the contract (e.g. truncated to nothing when copied).
  if (error.issues.some((issue) => issue.path[0] === 'token')) return 'invalidToken';
  return null;
}

/** Sets the first password of an invited user, or the new one a sign-in demanded; success signs them in. */
export function ActivateForm({
  token,
  mode = 'activate',
  next,
}: {
  token: string;
  mode?: ActivateMode;
  next?: string;
}) {
  const t = useTranslations('activate');
  // Change mode words the same form as the end of a sign-in; its token problems send back to it.
  const change = mode === 'change';
  const problemText = (problem: TokenProblem) => (change ? t(`change.errors.${problem}`) : t(`errors.${problem}`));
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
          {problemText(tokenProblem)}
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
    const invalid: Record<string, string> = parsed.success
      ? {}
      : fieldErrors(ApiError.validation(parsed.error.issues.filter((issue) => issue.path[0] === 'password')));
    if (confirm !== password) invalid.confirm = tv('passwordsMismatch');
    setErrors(invalid);
    if (Object.keys(invalid).length > 0) return;

    activate.mutate(
      { token, password },
      {
        onSuccess: () => router.replace(safeNextPath(next)),
        onError: (error) => {
          const problem = tokenProblemOf(error);
          if (problem) {
            setTokenProblem(problem);
            return;
          }
          if (isApiError(error) && error.code === 'password_unchanged') {
            setErrors({ password: t('change.errors.passwordUnchanged') });
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
          description={change ? t('change.passwordHint') : t('passwordHint')}
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
          {change ? t('change.submit') : t('submit')}
        </Button>
      </Stack>
    </form>
  );
}
