'use client';

import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { availableSections } from '@/lib/features';
import { useRoleLabel } from '@/lib/i18n/use-role-label';
import { useMe } from '@/lib/queries';

/** The welcome page: who is signed in, with which roles, and where they can go. */
export function HomeScreen() {
  const t = useTranslations();
  const roleLabel = useRoleLabel();
  const me = useMe();
  if (!me.data) return null;

  const user = me.data;
  const roles = user.roles.map((role) => role.name);
  const sections = availableSections(roles);

  return (
    <Stack gap="xl" maw={960}>
      <Stack gap={4}>
        <Title order={1}>{t('home.greeting', { name: user.fullName?.trim() || user.email })}</Title>
        <Text c="dimmed">{t('home.signedInAs', { email: user.email })}</Text>
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="home-roles">
        <Title order={2} size="h4" id="home-roles">
          {t('home.roles')}
        </Title>
        <Group gap="xs">
          {roles.map((role) => (
            <Badge key={role} variant="light" size="lg" tt="none">
              {roleLabel(role)}
            </Badge>
          ))}
        </Group>
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="home-sections">
        <Title order={2} size="h4" id="home-sections">
          {t('home.sections')}
        </Title>
        {sections.length === 0 ? (
          <Text c="dimmed">{t('home.noSections')}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {sections.map((section) => (
              <Card key={section.key} component={Link} href={section.href} withBorder padding="lg">
                <Text fw={600}>{t(`nav.${section.key}`)}</Text>
                <Text size="sm" c="dimmed">
                  {t(`sections.${section.key}`)}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </Stack>
    </Stack>
  );
}
