'use client';

import { Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { LoadError } from '@/components/load-error';
import { PaymentsExportLinks } from '@/features/payments/payments-export.links';
import { PaymentsImportDialog } from '@/features/payments/payments-import.dialog';
import {
  DEFAULT_PAYMENT_FILTERS,
  type PaymentsFilterState,
  PaymentsListFilters,
  rangeErrors,
  toPaymentFilters,
} from '@/features/payments/payments-list.filters';
import { PaymentsListTable } from '@/features/payments/payments-list.table';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { usePaymentsList } from '@/lib/queries/payments-list.queries';

/** Every payment the user may see, filtered, with CSV/XLSX export and the CSV import of lines. */
export function PaymentsScreen() {
  const t = useTranslations('paymentsList');
  const { describe } = useErrorMessages();
  const [state, setState] = useState<PaymentsFilterState>(DEFAULT_PAYMENT_FILTERS);
  const [importOpen, setImportOpen] = useState(false);
  // Typing a date fires a change per keystroke; the list follows once the field settles.
  const [settled] = useDebouncedValue(state, 300);
  const invalid = rangeErrors(settled);
  const filters = toPaymentFilters(
    invalid.planned || invalid.paid ? { ...settled, plannedTo: '', paidTo: '' } : settled,
  );
  const payments = usePaymentsList(filters);
  const items = payments.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} id="payments-title">
            {t('title')}
          </Title>
          <Text c="dimmed">{t('subtitle')}</Text>
        </Stack>
        <Group gap="sm" wrap="wrap">
          <PaymentsExportLinks filters={toPaymentFilters(state)} />
          <Button onClick={() => setImportOpen(true)}>{t('import')}</Button>
        </Group>
      </Group>

      <PaymentsListFilters value={state} onChange={setState} />

      {payments.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(payments.error)}
          retryLabel={t('retry')}
          onRetry={() => payments.refetch()}
        />
      )}
      {payments.isPending && <Loader aria-label={t('loading')} />}
      {payments.data && items.length === 0 && (
        <Text c="dimmed" role="status">
          {t('empty')}
        </Text>
      )}
      {items.length > 0 && <PaymentsListTable items={items} labelledBy="payments-title" />}
      {payments.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => payments.fetchNextPage()} loading={payments.isFetchingNextPage}>
            {t('more')}
          </Button>
        </Group>
      )}

      <PaymentsImportDialog opened={importOpen} onClose={() => setImportOpen(false)} />
    </Stack>
  );
}
