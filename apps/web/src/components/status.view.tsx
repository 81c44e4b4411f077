import { Container, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The body of the 403/404/500 pages: what happened, why, and where to go from here. */
export function StatusView({
  code,
  title,
  text,
  children,
}: {
  code: string;
  title: string;
  text: string;
  children?: ReactNode;
}) {
  return (
    <Container size="sm" py="xl">
      <Stack gap="md" align="flex-start">
        <Text c="dimmed" fw={600} size="sm">
          {code}
        </Text>
        <Title order={1}>{title}</Title>
        <Text size="lg">{text}</Text>
        {children}
      </Stack>
    </Container>
  );
}
