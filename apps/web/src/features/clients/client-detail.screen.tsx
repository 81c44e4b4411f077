'use client';

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { DealCreateDialog } from '@/features/deals/deal-create.dialog';
import { STAGE_COLORS, usePeople } from '@/features/deals/deal-shared';
import { POLICY_STATUS_COLORS, policyPeriod } from '@/features/deals/policies.panel';
import { DocumentsPanel } from '@/features/documents/documents.panel';
import { isApiError } from '@/lib/api';
import { type DecimalString, formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useClient } from '@/lib/queries/clients.queries';
import { useAllDeals } from '@/lib/queries/deals.queries';
import { usePolicies } from '@/lib/queries/policies.queries';
import { ClientFormDialog } from './client-form.dialog';
import { CLIENT_STATUS_COLORS } from './clients.screen';

/** A client's card: contacts, the client's deals and policies, and the client's documents. */
export function ClientDetailScreen({ clientId }: { clientId: string }) {
  const t = useTranslations('clients');
  const td = useTranslations('deals');
  const tp = useTranslations('policies');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const people = usePeople();
  const client = useClient(clientId);
  const deals = useAllDeals({ clientId });
  const policies = usePolicies({ clientId });
  const [editOpen, setEditOpen] = useState(false);
  const [dealOpen, setDealOpen] = useState(false);

  if (client.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={tc('loading')} />
      </Center>
    );
  }
  if (client.isError) {
    const missing = isApiError(client.error) && (client.error.status === 404 || client.error.status === 400);
    return (
      <Alert
        color={missing ? 'yellow' : 'red'}
        variant="light"
        role="alert"
        title={missing ? t('notFound') : t('loadFailed')}
      >
        {!missing && (
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{describe(client.error)}</Text>
            <Button size="xs" variant="light" onClick={() => client.refetch()}>
              {tc('retry')}
            </Button>
          </Stack>
        )}
      </Alert>
    );
  }

  const data = client.data;
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Anchor component={Link} href="/clients" size="sm">
          ← {t('back')}
        </Anchor>
        <Group justify="space-between" wrap="wrap" align="flex-start">
          <Title order={1} style={{ overflowWrap: 'anywhere' }}>
            {data.name}
          </Title>
          <Group gap="xs">
            <Button variant="light" onClick={() => setEditOpen(true)}>
              {t('edit')}
            </Button>
            <Button onClick={() => setDealOpen(true)}>{td('create.open')}</Button>
          </Group>
        </Group>
        <Group gap="xs">
          <Badge color={CLIENT_STATUS_COLORS[data.status]} variant="light">
            {t(`statuses.${data.status}`)}
          </Badge>
          <Badge color="gray" variant="outline">
            {t(`types.${data.type}`)}
          </Badge>
        </Group>
      </Stack>

      <Paper withBorder p="md" component="section" aria-labelledby="client-contacts">
        <Title order={2} size="h4" id="client-contacts" mb="sm">
          {t('contacts')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t('form.phone')}
            </Text>
            {data.phone ? (
              <Anchor href={`tel:${data.phone.replace(/[^+\d]/g, '')}`}>{data.phone}</Anchor>
            ) : (
              <Text>—</Text>
            )}
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t('form.email')}
            </Text>
            {data.email ? <Anchor href={`mailto:${data.email}`}>{data.email}</Anchor> : <Text>—</Text>}
          </Stack>
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t('columns.owner')}
            </Text>
            <Text>{data.ownerId ? people.name(data.ownerId) : '—'}</Text>
          </Stack>
        </SimpleGrid>
      </Paper>

      <Stack gap="xs" component="section" aria-labelledby="client-deals">
        <Title order={2} size="h4" id="client-deals">
          {t('deals')}
        </Title>
        {deals.isPending && <Loader size="sm" aria-label={tc('loading')} />}
        {deals.isError && (
          <Alert color="red" variant="light" role="alert">
            {describe(deals.error)}
          </Alert>
        )}
        {deals.data?.items.length === 0 && <Text c="dimmed">{t('noDeals')}</Text>}
        {deals.data && deals.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={420}>
            <Table striped aria-labelledby="client-deals">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{td('list.title')}</Table.Th>
                  <Table.Th>{td('list.stage')}</Table.Th>
                  <Table.Th>{td('list.nextReview')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deals.data.items.map((deal) => (
                  <Table.Tr key={deal.id}>
                    <Table.Td>
                      <Anchor component={Link} href={`/deals/${deal.id}`}>
                        {deal.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STAGE_COLORS[deal.stage]} variant="light">
                        {td(`stages.${deal.stage}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(deal.nextReviewAt, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="client-policies">
        <Title order={2} size="h4" id="client-policies">
          {t('policies')}
        </Title>
        {policies.isPending && <Loader size="sm" aria-label={tc('loading')} />}
        {policies.isError && (
          <Alert color="red" variant="light" role="alert">
            {describe(policies.error)}
          </Alert>
        )}
        {policies.data?.length === 0 && <Text c="dimmed">{t('noPolicies')}</Text>}
        {policies.data && policies.data.length > 0 && (
          <Table.ScrollContainer minWidth={480}>
            <Table striped aria-labelledby="client-policies">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{tp('columns.number')}</Table.Th>
                  <Table.Th>{tp('columns.status')}</Table.Th>
                  <Table.Th>{tp('columns.premium')}</Table.Th>
                  <Table.Th>{tp('columns.period')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {policies.data.map((policy) => (
                  <Table.Tr key={policy.id}>
                    <Table.Td>
                      {policy.dealId ? (
                        <Anchor component={Link} href={`/deals/${policy.dealId}`}>
                          {policy.policyNumber}
                        </Anchor>
                      ) : (
                        policy.policyNumber
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={POLICY_STATUS_COLORS[policy.status]} variant="light">
                        {tp(`statuses.${policy.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{policy.premium ? formatMoney(policy.premium as DecimalString) : '—'}</Table.Td>
                    <Table.Td>{policyPeriod(policy, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <DocumentsPanel ownerType="client" ownerId={clientId} />

      <ClientFormDialog key={data.version} client={data} opened={editOpen} onClose={() => setEditOpen(false)} />
      <DealCreateDialog clientId={clientId} opened={dealOpen} onClose={() => setDealOpen(false)} />
    </Stack>
  );
}
