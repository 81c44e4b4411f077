'use client';

import { Anchor, Badge, Button, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { CLIENT_STATUSES, type ClientStatus } from '@polis/contracts';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { LoadError } from '@/components/load-error';
import { usePeople } from '@/features/deals/deal-shared';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useClients } from '@/lib/queries/clients.queries';
import { ClientFormDialog } from './client-form.dialog';

export const CLIENT_STATUS_COLORS: Readonly<Record<ClientStatus, string>> = {
  active: 'green',
  prospect: 'blue',
  inactive: 'gray',
};

/** The clients list: search by name, filter by status, open a card, add a client. */
export function ClientsScreen() {
  const t = useTranslations('clients');
  const tc = useTranslations('common');
  const { describe } = useErrorMessages();
  const people = usePeople();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [status, setStatus] = useState<ClientStatus | null>(null);
  const [createOpen, setCreateOpen] = useState(false);
  const clients = useClients({
    search: debounced === '' ? undefined : debounced.slice(0, 200),
    status: status ? [status] : undefined,
  });
  const items = clients.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} id="clients-title">
            {t('title')}
          </Title>
          <Text c="dimmed">{t('subtitle')}</Text>
        </Stack>
        <Button onClick={() => setCreateOpen(true)}>{t('create')}</Button>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap" role="search">
        <TextInput
          type="search"
          label={t('search')}
          placeholder={t('searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={{ base: '100%', xs: 280 }}
        />
        <Select
          label={t('status')}
          placeholder={t('anyStatus')}
          data={CLIENT_STATUSES.map((value) => ({ value, label: t(`statuses.${value}`) }))}
          value={status}
          onChange={(value) => setStatus(value as ClientStatus | null)}
          clearable
          w={{ base: '100%', xs: 200 }}
        />
        {clients.isFetching && <Loader size="sm" aria-label={tc('loading')} />}
      </Group>
      {clients.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(clients.error)}
          retryLabel={tc('retry')}
          onRetry={() => clients.refetch()}
        />
      )}
      {clients.isPending && !clients.isError && <Loader aria-label={tc('loading')} />}
      {clients.data && items.length === 0 && (
        <Text c="dimmed" role="status">
          {t('empty')}
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped highlightOnHover aria-labelledby="clients-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('columns.name')}</Table.Th>
                <Table.Th>{t('columns.type')}</Table.Th>
                <Table.Th>{t('columns.status')}</Table.Th>
                <Table.Th>{t('columns.contacts')}</Table.Th>
                <Table.Th>{t('columns.owner')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((client) => (
                <Table.Tr key={client.id}>
                  <Table.Td>
                    <Anchor component={Link} href={`/clients/${client.id}`} fw={600}>
                      {client.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`types.${client.type}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={CLIENT_STATUS_COLORS[client.status]} variant="light">
                      {t(`statuses.${client.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      {client.phone && <Text size="sm">{client.phone}</Text>}
                      {client.email && <Text size="sm">{client.email}</Text>}
                      {!client.phone && !client.email && <Text size="sm">—</Text>}
                    </Stack>
                  </Table.Td>
                  <Table.Td>{client.ownerId ? people.name(client.ownerId) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {clients.hasNextPage && (
        <Button variant="subtle" loading={clients.isFetchingNextPage} onClick={() => clients.fetchNextPage()}>
          {t('more')}
        </Button>
      )}
      <ClientFormDialog opened={createOpen} onClose={() => setCreateOpen(false)} />
    </Stack>
  );
}
