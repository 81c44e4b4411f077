'use client';

import { Accordion, Alert, Badge, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { Policy, PolicyStatus } from '@polis/contracts';
import { useLocale, useTranslations } from 'next-intl';
import { type ReactNode, useState } from 'react';
import { PolicyPaymentsPanel } from '@/features/payments/policy-payments.panel';
import { type DecimalString, formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { usePolicies } from '@/lib/queries/policies.queries';
import { usePeople } from './deal-shared';
import { PolicyEditDialog } from './policy-edit.dialog';

export const POLICY_STATUS_COLORS: Readonly<Record<PolicyStatus, string>> = {
  draft: 'gray',
  active: 'green',
  pending_renewal: 'orange',
  closed: 'dark',
};

export function policyPeriod(policy: Policy, locale: AppLocale): string {
  if (!policy.effectiveFrom && !policy.effectiveTo) return '—';
  return `${policy.effectiveFrom ? formatDate(policy.effectiveFrom, locale) : '…'} – ${
    policy.effectiveTo ? formatDate(policy.effectiveTo, locale) : '…'
  }`;
}

/** The deal's policies; each opens to its details and its payments. */
export function PoliciesPanel({
  dealId,
  renderExtra,
}: {
  dealId: string;
  /** More per-policy content (its documents), when that feature is present. */
  renderExtra?: (policy: Policy) => ReactNode;
}) {
  const t = useTranslations('policies');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const people = usePeople();
  const policies = usePolicies({ dealId });
  const [editingId, setEditingId] = useState<string | null>(null);
  const [opened, setOpened] = useState<string[] | null>(null);
  // A deal with a single policy opens it right away.
  const openIds = opened ?? (policies.data?.length === 1 ? [policies.data[0]?.id ?? ''] : []);
  // The live record: after a refresh (another user's change) the dialog saves against the new version.
  const editing = policies.data?.find((entry) => entry.id === editingId) ?? null;

  return (
    <Stack gap="sm" component="section" aria-labelledby="deal-policies">
      <Title order={2} size="h4" id="deal-policies">
        {t('title')}
      </Title>
      {policies.isPending && <Loader size="sm" aria-label={tc('loading')} />}
      {policies.isError && (
        <Alert color="red" variant="light" role="alert">
          <Group gap="sm">
            <Text size="sm">{describe(policies.error)}</Text>
            <Button size="xs" variant="light" onClick={() => policies.refetch()}>
              {tc('retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {policies.data?.length === 0 && <Text c="dimmed">{t('emptyDeal')}</Text>}
      {policies.data && policies.data.length > 0 && (
        <Accordion variant="separated" multiple value={openIds} onChange={setOpened}>
          {policies.data.map((policy) => (
            <Accordion.Item key={policy.id} value={policy.id}>
              <Accordion.Control>
                <Group gap="sm" wrap="wrap">
                  <Text fw={600}>{t('number', { number: policy.policyNumber })}</Text>
                  <Badge color={POLICY_STATUS_COLORS[policy.status]} variant="light">
                    {t(`statuses.${policy.status}`)}
                  </Badge>
                  <Text size="sm" c="dimmed">
                    {policy.premium ? formatMoney(policy.premium as DecimalString) : t('noPremium')}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">
                  <Group justify="space-between" wrap="wrap" align="flex-start">
                    <Stack gap={2}>
                      <Text size="sm">
                        {t('period')}: {policyPeriod(policy, locale)}
                      </Text>
                      <Text size="sm">
                        {t('owner')}: {people.name(policy.ownerId)}
                      </Text>
                      {policy.commissionRate !== null && (
                        <Text size="sm">
                          {t('commissionRate')}: {policy.commissionRate} %
                        </Text>
                      )}
                      {policy.closedReason && (
                        <Text size="sm">
                          {t('closedReason')}: {t(`closedReasons.${policy.closedReason}`)}
                        </Text>
                      )}
                    </Stack>
                    <Button size="xs" variant="light" onClick={() => setEditingId(policy.id)}>
                      {t('editButton')}
                    </Button>
                  </Group>
                  {/* Payments and documents load when their policy is opened, not for every policy at once. */}
                  {openIds.includes(policy.id) && (
                    <>
                      <PolicyPaymentsPanel policy={{ dealId, policyId: policy.id }} premium={policy.premium} />
                      {renderExtra?.(policy)}
                    </>
                  )}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
      {editing && <PolicyEditDialog key={editing.id} policy={editing} opened onClose={() => setEditingId(null)} />}
    </Stack>
  );
}
