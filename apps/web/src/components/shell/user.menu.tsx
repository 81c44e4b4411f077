'use client';

import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import type { User } from '@polis/contracts';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { LOCALES } from '@/lib/i18n/locales';
import { useSwitchLocale } from '@/lib/i18n/use-switch-locale';
import { useLogout } from '@/lib/queries';

export function initialsOf(user: Pick<User, 'fullName' | 'email'>): string {
  const source = user.fullName?.trim() || user.email;
  const words = source.split(/[\s@.]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}

export function UserMenu({ user }: { user: User }) {
  const t = useTranslations('userMenu');
  const locale = useLocale();
  const router = useRouter();
  const logout = useLogout();
  const { switchLocale, pending } = useSwitchLocale();
  const name = user.fullName?.trim() || user.email;

  return (
    <Menu position="bottom-end" width={260} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={t('label')} p={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Group gap="xs" wrap="nowrap">
            <Avatar color="indigo" radius="xl" size="sm">
              {initialsOf(user)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="xs" truncate maw={200}>
              {name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate>
            {name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {user.email}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Label>{t('language')}</Menu.Label>
        {LOCALES.map((option) => (
          <Menu.Item
            key={option}
            lang={option}
            disabled={pending}
            aria-current={option === locale ? 'true' : undefined}
            rightSection={option === locale ? '✓' : null}
            onClick={() => option !== locale && switchLocale(option)}
          >
            {option === 'ru' ? t('russian') : t('english')}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => logout.mutate(undefined, { onSettled: () => router.replace('/login') })}>
          {t('logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
