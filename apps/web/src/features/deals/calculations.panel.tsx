'use client';

import { Alert, Badge, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Calculation, CalculationStatus } from '@polis/contracts';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { type DecimalString, formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useCalculationComparison, useCalculations, useSetCalculationStatus } from '@/lib/queries/calculations.queries';
import { CalculationFormDialog } from './calculation-form.dialog';
import { useCrmError } from './deal-shared';
import { IssuePolicyDialog } from './issue-policy.dialog';

const STATUS_COLORS: Readonly<Record<CalculationStatus, string>> = {
  draft: 'gray',
  ready: 'blue',
  confirmed: 'green',
  archived: 'dark',
};

function money(value: string | null): string {
  return value === null ? '—' : formatMoney(value as DecimalString);
}

/** The deal's quotes side by side (cheapest flagged), with the ready → confirm → issue steps. */
export function CalculationsPanel({ dealId }: { dealId: string }) {
  const t = useTranslations('calculations');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const { describe } = useErrorMessages();
  const crmError = useCrmError();
  const calculations = useCalculations(dealId);
  const comparison = useCalculationComparison(dealId);
  const setStatus = useSetCalculationStatus(dealId);
  const [formOpen, setFormOpen] = useState(false);
  const [issuing, setIssuing] = useState<Calculation | null>(null);
  const [issueOpen, setIssueOpen] = useState(false);

  const byId = new Map((calculations.data ?? []).map((calculation) => [calculation.id, calculation]));
  const items = comparison.data?.items ?? [];
  const archived = (calculations.data ?? []).filter((calculation) => calculation.status === 'archived');

  const changeStatus = (calculation: Calculation, status: 'ready' | 'confirmed' | 'archived') =>
    setStatus.mutate(
      { id: calculation.id, input: { status, version: calculation.version } },
      {
        onSuccess: () =>
          notifications.show({
            color: 'green',
            message: t(`moved.${status}`, { company: calculation.insuranceCompany }),
          }),
        onError: (error) => notifications.show({ color: 'red', title: t('moveFailed'), message: crmError(error) }),
      },
    );

  const error = calculations.error ?? comparison.error;
  return (
    <Stack gap="sm" component="section" aria-labelledby="deal-calculations">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4" id="deal-calculations">
          {t('title')}
        </Title>
        <Button onClick={() => setFormOpen(true)}>{t('add')}</Button>
      </Group>
      {(calculations.isPending || comparison.isPending) && !error && <Loader size="sm" aria-label={tc('loading')} />}
      {error && (
        <Alert color="red" variant="light" role="alert">
          <Group gap="sm">
            <Text size="sm">{describe(error)}</Text>
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                void calculations.refetch();
                void comparison.refetch();
              }}
            >
              {tc('retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {comparison.data && items.length === 0 && <Text c="dimmed">{t('empty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={Math.max(360, 160 + items.length * 170)}>
          <Table withColumnBorders withTableBorder verticalSpacing="xs" aria-label={t('comparison')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('fields.insuranceCompany')}</Table.Th>
                {items.map((item) => (
                  <Table.Th scope="col" key={item.calculationId}>
                    <Stack gap={2}>
                      <Text fw={700} size="sm">
                        {item.insuranceCompany}
                      </Text>
                      {item.cheapest && (
                        <Badge color="teal" size="xs" variant="filled">
                          {t('cheapest')}
                        </Badge>
                      )}
                    </Stack>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.programName')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId}>{item.programName ?? '—'}</Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.premiumAmount')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId} fw={item.cheapest ? 700 : undefined}>
                    {money(item.premiumAmount)}
                  </Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.coverageSum')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId}>{money(item.coverageSum)}</Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.validity')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId}>
                    {item.validityPeriod
                      ? `${formatDate(item.validityPeriod.start, locale)} – ${formatDate(item.validityPeriod.end, locale)}`
                      : '—'}
                  </Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.calculationDate')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId}>{formatDate(item.calculationDate, locale)}</Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('fields.status')}</Table.Th>
                {items.map((item) => (
                  <Table.Td key={item.calculationId}>
                    <Badge color={STATUS_COLORS[item.status]} variant="light">
                      {t(`statuses.${item.status}`)}
                    </Badge>
                  </Table.Td>
                ))}
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('actions')}</Table.Th>
                {items.map((item) => {
                  const calculation = byId.get(item.calculationId);
                  if (!calculation) return <Table.Td key={item.calculationId} />;
                  const busy = setStatus.isPending && setStatus.variables?.id === calculation.id;
                  return (
                    <Table.Td key={item.calculationId}>
                      <Stack gap={4} align="flex-start">
                        {calculation.status === 'draft' && (
                          <Button
                            size="compact-xs"
                            variant="light"
                            loading={busy}
                            onClick={() => changeStatus(calculation, 'ready')}
                          >
                            {t('markReady')}
                          </Button>
                        )}
                        {calculation.status === 'ready' && (
                          <Button
                            size="compact-xs"
                            loading={busy}
                            onClick={() => changeStatus(calculation, 'confirmed')}
                          >
                            {t('confirm')}
                          </Button>
                        )}
                        {(calculation.status === 'ready' || calculation.status === 'confirmed') &&
                          !calculation.linkedPolicyId && (
                            <Button
                              size="compact-xs"
                              variant="outline"
                              onClick={() => {
                                setIssuing(calculation);
                                setIssueOpen(true);
                              }}
                            >
                              {t('issuePolicy')}
                            </Button>
                          )}
                        {calculation.linkedPolicyId && (
                          <Text size="xs" c="green">
                            {t('policyIssued')}
                          </Text>
                        )}
                        {(calculation.status === 'ready' || calculation.status === 'confirmed') && (
                          <Button
                            size="compact-xs"
                            variant="subtle"
                            color="gray"
                            loading={busy}
                            onClick={() => changeStatus(calculation, 'archived')}
                          >
                            {t('archive')}
                          </Button>
                        )}
                      </Stack>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {archived.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('archivedCount', { count: archived.length })}
        </Text>
      )}
      <CalculationFormDialog dealId={dealId} opened={formOpen} onClose={() => setFormOpen(false)} />
      <IssuePolicyDialog dealId={dealId} calculation={issuing} opened={issueOpen} onClose={() => setIssueOpen(false)} />
    </Stack>
  );
}
