'use client';

import { Anchor, Badge, Table } from '@mantine/core';
import type { PaymentListItem, PaymentStatus } from '@polis/contracts';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type DecimalString, formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';

const STATUS_COLOR: Record<PaymentStatus, string> = {
  scheduled: 'blue',
  partially_paid: 'yellow',
  paid: 'green',
  cancelled: 'gray',
};

function money(value: string): string {
  return formatMoney(value as DecimalString);
}

export function PaymentsListTable({ items, labelledBy }: { items: readonly PaymentListItem[]; labelledBy: string }) {
  const t = useTranslations('paymentsList');
  const locale = useLocale() as AppLocale;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-labelledby={labelledBy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('columns.policy')}</Table.Th>
            <Table.Th scope="col">{t('columns.sequence')}</Table.Th>
            <Table.Th scope="col">{t('columns.status')}</Table.Th>
            <Table.Th scope="col">{t('columns.plannedDate')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('columns.plannedAmount')}
            </Table.Th>
            <Table.Th scope="col">{t('columns.actualDate')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('columns.incomes')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('columns.expenses')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('columns.net')}
            </Table.Th>
            <Table.Th scope="col">{t('columns.deal')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((payment) => (
            <Table.Tr key={payment.id}>
              <Table.Td>{payment.policyNumber}</Table.Td>
              <Table.Td>{payment.sequence}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={STATUS_COLOR[payment.status]}>
                  {t(`statuses.${payment.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{payment.plannedDate ? formatDate(payment.plannedDate, locale) : '—'}</Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {money(payment.plannedAmount)}
              </Table.Td>
              <Table.Td>{payment.actualDate ? formatDate(payment.actualDate, locale) : '—'}</Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {money(payment.incomesTotal)}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {money(payment.expensesTotal)}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {money(payment.netTotal)}
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} href={`/deals/${payment.dealId}`} size="sm">
                  {t('openDeal')}
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
