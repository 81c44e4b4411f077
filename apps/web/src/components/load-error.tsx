'use client';

import { Alert, Button, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A list or card that failed to load: what went wrong and a retry button. */
export function LoadError({
  title,
  message,
  retryLabel,
  onRetry,
}: {
  title: ReactNode;
  message: string;
  retryLabel: ReactNode;
  onRetry: () => void;
}) {
  return (
    <Alert color="red" role="alert" variant="light" title={title}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        <Button size="xs" variant="light" onClick={onRetry}>
          {retryLabel}
        </Button>
      </Stack>
    </Alert>
  );
}
