'use client';

import { Button, CopyButton, Stack, TextInput } from '@mantine/core';
import { useTranslations } from 'next-intl';

/** The activation link an admin hands over, selectable and with a copy button. */
export function ActivationLink({ link }: { link: string }) {
  const t = useTranslations();
  return (
    <Stack gap="xs">
      <TextInput
        label={t('invite.link')}
        value={link}
        readOnly
        onFocus={(event) => event.currentTarget.select()}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <CopyButton value={link}>
        {({ copied, copy }) => (
          <Button onClick={copy} color={copied ? 'teal' : undefined} variant={copied ? 'filled' : 'light'}>
            {copied ? t('common.copied') : t('invite.copyLink')}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}
