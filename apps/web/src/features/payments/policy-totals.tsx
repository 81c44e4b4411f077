'use client';

import { Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { Payment } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { fromKopecks, sumAmounts, toKopecks } from '@/features/deals/money';
import { type DecimalString, formatMoney } from '@/lib/format';

export interface PolicyTotalsValue {
  planned: DecimalString;
  incomes: DecimalString;
  expenses: DecimalString;
  net: DecimalString;
}

/** Σ over the live, non-cancelled payments of a policy, exact to the kopeck. */
export function policyTotals(payments: readonly Payment[]): PolicyTotalsValue {
  const live = payments.filter((payment) => payment.status !== 'cancelled');
  return {
    planned: sumAmounts(live.map((payment) => payment.plannedAmount)),
    incomes: sumAmounts(live.map((payment) => payment.incomesTotal)),
    expenses: sumAmounts(live.map((payment) => payment.expensesTotal)),
    net: sumAmounts(live.map((payment) => payment.netTotal)),
  };
}

/** The policy's money at a glance: planned, received, paid out and the agency's result. */
export function PolicyTotals({ payments, premium }: { payments: readonly Payment[]; premium: string | null }) {
  const t = useTranslations('dealPayments.totals');
  const totals = policyTotals(payments);
  const unplanned = premium ? toKopecks(premium) - toKopecks(totals.planned) : 0n;
  const cells: { key: keyof PolicyTotalsValue; label: string }[] = [
    { key: 'planned', label: t('planned') },
    { key: 'incomes', label: t('incomes') },
    { key: 'expenses', label: t('expenses') },
    { key: 'net', label: t('net') },
  ];
  return (
    <Paper withBorder p="sm" aria-label={t('label')} component="section">
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        {cells.map((cell) => (
          <Stack gap={0} key={cell.key}>
            <Text size="xs" c="dimmed">
              {cell.label}
            </Text>
            <Text
              fw={600}
              data-testid={`total-${cell.key}`}
              c={cell.key === 'net' && totals.net.startsWith('-') ? 'red' : undefined}
            >
              {formatMoney(totals[cell.key])}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
      {premium && unplanned !== 0n && (
        <Group mt="xs">
          <Text size="xs" c={unplanned > 0n ? 'orange' : 'red'}>
            {unplanned > 0n
              ? t('unplanned', { amount: formatMoney(fromKopecks(unplanned)) })
              : t('overplanned', { amount: formatMoney(fromKopecks(-unplanned)) })}
          </Text>
        </Group>
      )}
    </Paper>
  );
}
