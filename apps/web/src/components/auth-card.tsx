import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The frame of the pages used without a session (sign-in, activation). */
export function AuthCard({
  appName,
  title,
  subtitle,
  children,
}: {
  appName: string;
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  return (
    <Center component="main" mih="100dvh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack gap="lg">
          <Stack gap={4}>
            <Text c="indigo" fw={700} size="xl">
              {appName}
            </Text>
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text c="dimmed">{subtitle}</Text>
          </Stack>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
