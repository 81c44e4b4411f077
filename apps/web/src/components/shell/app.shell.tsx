'use client';

import { AppShell, Burger, Button, Center, Group, Loader, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { useDealsLiveUpdates } from '@/features/deals/use-deals-live-updates';
import { isApiError } from '@/lib/api';
import { availableSections } from '@/lib/features';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useMe } from '@/lib/queries';
import { useUiStore } from '@/stores/ui.store';
import { useSessionKeeper } from './use-session-keeper';
import { UserMenu } from './user.menu';

/** Errors after which the API client is already on its way to the login page. */
function isSessionLost(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || (error.status === 403 && error.code === 'user_disabled'));
}

function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/** The frame of every signed-in page: header, navigation, user menu. */
export function AppFrame({ children }: { children: ReactNode }) {
  const t = useTranslations();
  const pathname = usePathname();
  const me = useMe();
  const { describe } = useErrorMessages();
  const navbarOpened = useUiStore((state) => state.navbarOpened);
  const toggleNavbar = useUiStore((state) => state.toggleNavbar);
  const closeNavbar = useUiStore((state) => state.closeNavbar);
  useSessionKeeper();
  useDealsLiveUpdates();

  if (!me.data) {
    if (me.isError && !isSessionLost(me.error)) {
      return (
        <Center mih="100dvh" p="md">
          <Stack align="center" gap="sm" role="alert">
            <Text fw={600}>{t('shell.loadFailed')}</Text>
            <Text c="dimmed">{describe(me.error)}</Text>
            <Button onClick={() => me.refetch()}>{t('common.retry')}</Button>
          </Stack>
        </Center>
      );
    }
    return (
      <Center mih="100dvh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }

  const roles = me.data.roles.map((role) => role.name);
  const links = [
    { key: 'home', href: '/', label: t('nav.home') },
    ...availableSections(roles).map((section) => ({
      key: section.key,
      href: section.href,
      label: t(`nav.${section.key}`),
    })),
  ];

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="md"
    >
      <a href="#main" className="polis-skip-link">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpened}
              onClick={toggleNavbar}
              hiddenFrom="sm"
              size="sm"
              aria-label={navbarOpened ? t('nav.closeMenu') : t('nav.openMenu')}
              aria-expanded={navbarOpened}
              aria-controls="polis-navigation"
            />
            <Text component={Link} href="/" fw={700} size="lg" c="indigo" td="none">
              {t('app.name')}
            </Text>
          </Group>
          <UserMenu user={me.data} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" id="polis-navigation" component="nav" aria-label={t('nav.label')}>
        <ScrollArea>
          {links.map((link) => (
            <NavLink
              key={link.key}
              component={Link}
              href={link.href}
              label={link.label}
              active={isActive(pathname, link.href)}
              aria-current={isActive(pathname, link.href) ? 'page' : undefined}
              onClick={closeNavbar}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
