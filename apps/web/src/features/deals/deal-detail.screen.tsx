'use client';

import { Alert, Button, Center, Loader, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { DocumentsPanel } from '@/features/documents/documents.panel';
import { DealTasksPanel } from '@/features/tasks/deal-tasks.panel';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useClient } from '@/lib/queries/clients.queries';
import { useDeal } from '@/lib/queries/deals.queries';
import { CalculationsPanel } from './calculations.panel';
import { DealHeader } from './deal-header';
import { DealJournalPanel } from './deal-journal.panel';
import { DealTeamPanel } from './deal-team.panel';
import { PoliciesPanel } from './policies.panel';
import { PolicyDocumentsPanel } from './policy-documents.panel';

/**
 * The deal card: header, then tabs for the journal and team, quotes, policies with their payments
 * and documents, the deal's tasks and its document folder.
 */
export function DealDetailScreen({ dealId }: { dealId: string }) {
  const t = useTranslations('dealCard');
  const tc = useTranslations('common');
  const { describe } = useErrorMessages();
  const deal = useDeal(dealId);
  const client = useClient(deal.data?.clientId);

  if (deal.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={tc('loading')} />
      </Center>
    );
  }
  if (deal.isError) {
    const missing = isApiError(deal.error) && (deal.error.status === 404 || deal.error.status === 400);
    return (
      <Alert
        color={missing ? 'yellow' : 'red'}
        variant="light"
        role="alert"
        title={missing ? t('notFound') : t('loadFailed')}
      >
        <Stack gap="xs" align="flex-start">
          {!missing && <Text size="sm">{describe(deal.error)}</Text>}
          {!missing && (
            <Button size="xs" variant="light" onClick={() => deal.refetch()}>
              {tc('retry')}
            </Button>
          )}
        </Stack>
      </Alert>
    );
  }

  return (
    <Stack gap="lg">
      <DealHeader deal={deal.data} clientName={client.data?.name} />
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'wrap' }}>
          <Tabs.Tab value="overview">{t('tabs.overview')}</Tabs.Tab>
          <Tabs.Tab value="calculations">{t('tabs.calculations')}</Tabs.Tab>
          <Tabs.Tab value="policies">{t('tabs.policies')}</Tabs.Tab>
          <Tabs.Tab value="tasks">{t('tabs.tasks')}</Tabs.Tab>
          <Tabs.Tab value="documents">{t('tabs.documents')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            <DealJournalPanel dealId={dealId} />
            <DealTeamPanel dealId={dealId} ownerId={deal.data.ownerId} />
          </SimpleGrid>
        </Tabs.Panel>
        <Tabs.Panel value="calculations" pt="md">
          <CalculationsPanel dealId={dealId} />
        </Tabs.Panel>
        <Tabs.Panel value="policies" pt="md">
          <PoliciesPanel
            dealId={dealId}
            renderExtra={(policy) => (
              <>
                <DocumentsPanel ownerType="policy" ownerId={policy.id} />
                <PolicyDocumentsPanel dealId={dealId} policyId={policy.id} />
              </>
            )}
          />
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          <DealTasksPanel dealId={dealId} />
        </Tabs.Panel>
        <Tabs.Panel value="documents" pt="md">
          <DocumentsPanel ownerType="deal" ownerId={dealId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
