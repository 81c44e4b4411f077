'use client';

import { Alert, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { type DecimalString, formatMoney } from '@/lib/format';
import { type PolicyRef, usePolicyCashFlow } from '@/lib/queries/payments.queries';

function amount(value: string | null): string {
  return value === null ? '—' : formatMoney(value as DecimalString);
}

/** Expected vs received commission and premium, from the policy's cash-flow summary (summed in SQL). */
export function PolicyCashFlowSummary({ policy }: { policy: PolicyRef }) {
  const t = useTranslations('dealPayments.cashFlow');
  const cashFlow = usePolicyCashFlow(policy);
  if (cashFlow.isError) {
    return (
      <Alert color="red" variant="light" role="alert">
        {t('loadFailed')}
      </Alert>
    );
  }
  if (!cashFlow.data) return null;
  const data = cashFlow.data;
  const cells = [
    { key: 'premiumDue', value: data.premiumDue },
    { key: 'premiumPaid', value: data.premiumPaid },
    { key: 'premiumOutstanding', value: data.premiumOutstanding },
    { key: 'commissionExpected', value: data.commission.expected },
    { key: 'commissionReceived', value: data.commission.received },
    { key: 'commissionOutstanding', value: data.commission.outstanding },
  ] as const;
  return (
    <Paper withBorder p="sm" component="section" aria-label={t('label')}>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
          {cells.map((cell) => (
            <Stack gap={0} key={cell.key}>
              <Text size="xs" c="dimmed">
                {t(cell.key)}
              </Text>
              <Text fw={600} data-testid={`cash-flow-${cell.key}`}>
                {amount(cell.value)}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {data.commission.rate === null ? t('noRate') : t('rate', { rate: data.commission.rate })}
          {data.bonusReceived !== '0.00' &&
            data.bonusReceived !== '0' &&
            ` · ${t('bonus')}: ${amount(data.bonusReceived)}`}
        </Text>
      </Stack>
    </Paper>
  );
}
