'use client';

import { ActionIcon, Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { CommissionSplitResult, Movement, MovementDirection, Payment, PaymentStatus } from '@polis/contracts';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm.dialog';
import { todayIso, useCrmError, useViewer } from '@/features/deals/deal-shared';
import { isApiError } from '@/lib/api';
import { type DecimalString, formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import {
  type PolicyRef,
  useDeletePayment,
  useDeletePaymentLine,
  usePolicyPayments,
  useUpdatePayment,
} from '@/lib/queries/payments.queries';
import { CommissionSplitDialog, CommissionSplitSummary, hasCommissionReceived } from './commission-split.dialog';
import { PolicyCashFlowSummary } from './policy-cash-flow';
import { PaymentForm } from './policy-payment.form';
import { isLineCategory, PaymentLineForm } from './policy-payment-line.form';
import { ScheduleForm } from './policy-schedule.form';
import { PolicyTotals } from './policy-totals';

const STATUS_COLORS: Readonly<Record<PaymentStatus, string>> = {
  scheduled: 'gray',
  partially_paid: 'yellow',
  paid: 'green',
  cancelled: 'red',
};

type Editor =
  | { kind: 'payment' }
  | { kind: 'schedule' }
  | { kind: 'line'; paymentId: string; direction: MovementDirection };

/** The payments of one policy of the deal: plan, schedule, income and expense lines, live totals. */
export function PolicyPaymentsPanel({ policy, premium }: { policy: PolicyRef; premium: string | null }) {
  const t = useTranslations('dealPayments');
  const tc = useTranslations('common');
  const { describe } = useErrorMessages();
  const payments = usePolicyPayments(policy);
  const [editor, setEditor] = useState<Editor | null>(null);
  const close = () => setEditor(null);
  const items = payments.data ?? [];

  return (
    <Stack gap="sm" component="section" aria-label={t('title')}>
      <Group justify="space-between" wrap="wrap">
        <Title order={3} size="h5">
          {t('title')}
        </Title>
        <Group gap="xs">
          <Button size="xs" variant="light" onClick={() => setEditor({ kind: 'payment' })}>
            {t('payment.add')}
          </Button>
          <Button size="xs" variant="light" onClick={() => setEditor({ kind: 'schedule' })}>
            {t('schedule.open')}
          </Button>
        </Group>
      </Group>
      {editor?.kind === 'payment' && (
        <Paper withBorder p="sm">
          <PaymentForm policy={policy} onDone={close} />
        </Paper>
      )}
      {editor?.kind === 'schedule' && (
        <Paper withBorder p="sm">
          <ScheduleForm policy={policy} premium={premium} onDone={close} />
        </Paper>
      )}
      {payments.isPending && <Loader size="sm" aria-label={tc('loading')} />}
      {payments.isError && (
        <Alert color="red" variant="light" role="alert">
          <Group gap="sm">
            <Text size="sm">{describe(payments.error)}</Text>
            <Button size="xs" variant="light" onClick={() => payments.refetch()}>
              {tc('retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {payments.data && <PolicyTotals payments={items} premium={premium} />}
      {payments.data && <PolicyCashFlowSummary policy={policy} />}
      {payments.data && items.length === 0 && <Text c="dimmed">{t('empty')}</Text>}
      {items.map((payment) => (
        <PaymentItem
          key={payment.id}
          policy={policy}
          payment={payment}
          editing={editor?.kind === 'line' && editor.paymentId === payment.id ? editor.direction : null}
          onAddLine={(direction) => setEditor({ kind: 'line', paymentId: payment.id, direction })}
          onCloseEditor={close}
        />
      ))}
    </Stack>
  );
}

function PaymentItem({
  policy,
  payment,
  editing,
  onAddLine,
  onCloseEditor,
}: {
  policy: PolicyRef;
  payment: Payment;
  editing: MovementDirection | null;
  onAddLine: (direction: MovementDirection) => void;
  onCloseEditor: () => void;
}) {
  const t = useTranslations('dealPayments');
  const locale = useLocale() as AppLocale;
  const crmError = useCrmError();
  const update = useUpdatePayment(policy);
  const cancel = useUpdatePayment(policy);
  const remove = useDeletePayment(policy);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [splitting, setSplitting] = useState(false);
  const [splitResult, setSplitResult] = useState<CommissionSplitResult | null>(null);
  const cancelled = payment.status === 'cancelled';
  const hasLines = (payment.incomes?.length ?? 0) + (payment.expenses?.length ?? 0) > 0;
  // Only administrators cancel a payment (the API answers 403 to everyone else).
  const { isAdmin } = useViewer();
  const canSplit = !cancelled && hasCommissionReceived(payment);
  const failed = (error: unknown) => notifications.show({ color: 'red', title: t('failed'), message: crmError(error) });

  const cancelPayment = () =>
    cancel.mutate(
      { paymentId: payment.id, input: { status: 'cancelled', version: payment.version } },
      {
        onSuccess: () => {
          setConfirmingCancel(false);
          notifications.show({ color: 'green', message: t('cancel.done', { sequence: payment.sequence }) });
        },
        onError: (error) => {
          setConfirmingCancel(false);
          notifications.show({
            color: 'red',
            title: t('cancel.failed'),
            message: isApiError(error) && error.status === 403 ? t('cancel.forbidden') : crmError(error),
          });
        },
      },
    );

  return (
    <Paper withBorder p="sm" component="article" aria-label={t('payment.label', { sequence: payment.sequence })}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <Text fw={600}>{t('payment.label', { sequence: payment.sequence })}</Text>
            <Badge color={STATUS_COLORS[payment.status]} variant="light">
              {t(`statuses.${payment.status}`)}
            </Badge>
          </Group>
          <Text size="sm">
            {formatMoney(payment.plannedAmount as DecimalString)}
            {payment.plannedDate && ` · ${formatDate(payment.plannedDate, locale)}`}
          </Text>
        </Group>
        {payment.actualDate && (
          <Text size="xs" c="green">
            {t('payment.receivedOn', { date: formatDate(payment.actualDate, locale) })}
          </Text>
        )}
        {cancelled && (
          <Text size="xs" c="red">
            {t('payment.frozen')}
          </Text>
        )}
        {payment.comment && (
          <Text size="sm" c="dimmed">
            {payment.comment}
          </Text>
        )}
        <Group gap="lg" wrap="wrap">
          <Text size="sm">
            {t('totals.incomes')}: <b>{formatMoney(payment.incomesTotal as DecimalString)}</b>
          </Text>
          <Text size="sm">
            {t('totals.expenses')}: <b>{formatMoney(payment.expensesTotal as DecimalString)}</b>
          </Text>
          <Text size="sm">
            {t('totals.net')}: <b>{formatMoney(payment.netTotal as DecimalString)}</b>
          </Text>
        </Group>
        <LineTable
          policy={policy}
          payment={payment}
          direction="incomes"
          lines={payment.incomes ?? []}
          frozen={cancelled}
        />
        <LineTable
          policy={policy}
          payment={payment}
          direction="expenses"
          lines={payment.expenses ?? []}
          frozen={cancelled}
        />
        {splitResult && <CommissionSplitSummary result={splitResult} onClose={() => setSplitResult(null)} />}
        {editing && <PaymentLineForm policy={policy} payment={payment} direction={editing} onDone={onCloseEditor} />}
        {!cancelled && !editing && (
          <Group gap="xs" wrap="wrap">
            <Button size="compact-sm" variant="light" onClick={() => onAddLine('incomes')}>
              {t('line.addIncome')}
            </Button>
            <Button size="compact-sm" variant="light" onClick={() => onAddLine('expenses')}>
              {t('line.addExpense')}
            </Button>
            {payment.actualDate === null ? (
              <Button
                size="compact-sm"
                variant="subtle"
                loading={update.isPending}
                onClick={() =>
                  update.mutate(
                    { paymentId: payment.id, input: { actualDate: todayIso(), version: payment.version } },
                    { onError: failed },
                  )
                }
              >
                {t('payment.markReceived')}
              </Button>
            ) : (
              <Button
                size="compact-sm"
                variant="subtle"
                color="gray"
                loading={update.isPending}
                onClick={() =>
                  update.mutate(
                    { paymentId: payment.id, input: { actualDate: null, version: payment.version } },
                    { onError: failed },
                  )
                }
              >
                {t('payment.reopen')}
              </Button>
            )}
            {canSplit && (
              <Button size="compact-sm" variant="light" onClick={() => setSplitting(true)}>
                {t('split.open')}
              </Button>
            )}
            {!hasLines && (
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                loading={remove.isPending}
                onClick={() => remove.mutate(payment.id, { onError: failed })}
              >
                {t('payment.delete')}
              </Button>
            )}
            {isAdmin && (
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => setConfirmingCancel(true)}>
                {t('payment.cancel')}
              </Button>
            )}
          </Group>
        )}
      </Stack>
      {canSplit && (
        <CommissionSplitDialog
          policy={policy}
          payment={payment}
          opened={splitting}
          onClose={() => setSplitting(false)}
          onSplit={setSplitResult}
        />
      )}
      <ConfirmDialog
        opened={confirmingCancel}
        title={t('cancel.title', { sequence: payment.sequence })}
        text={t('cancel.text')}
        confirmLabel={t('cancel.confirm')}
        color="red"
        loading={cancel.isPending}
        onConfirm={cancelPayment}
        onCancel={() => setConfirmingCancel(false)}
      />
    </Paper>
  );
}

function LineTable({
  policy,
  payment,
  direction,
  lines,
  frozen,
}: {
  policy: PolicyRef;
  payment: Payment;
  direction: MovementDirection;
  lines: readonly Movement[];
  frozen: boolean;
}) {
  const t = useTranslations('dealPayments');
  const locale = useLocale() as AppLocale;
  const crmError = useCrmError();
  const remove = useDeletePaymentLine(policy);
  if (lines.length === 0) return null;
  const categoryLabel = (category: string) =>
    isLineCategory(direction, category) ? t(`line.categories.${category}`) : category;
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table verticalSpacing={2} fz="sm" aria-label={t(direction === 'incomes' ? 'line.incomes' : 'line.expenses')}>
        <Table.Caption style={{ captionSide: 'top', textAlign: 'left' }}>
          {t(direction === 'incomes' ? 'line.incomes' : 'line.expenses')}
        </Table.Caption>
        <Table.Tbody>
          {lines.map((line) => (
            <Table.Tr key={line.id}>
              <Table.Td>{formatDate(line.postedAt, locale)}</Table.Td>
              <Table.Td>{categoryLabel(line.category)}</Table.Td>
              <Table.Td>{line.note ?? ''}</Table.Td>
              <Table.Td ta="right" c={direction === 'expenses' ? 'red' : undefined}>
                {direction === 'expenses' ? '−' : ''}
                {formatMoney(line.amount as DecimalString)}
              </Table.Td>
              <Table.Td w={40}>
                {!frozen && (
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="sm"
                    aria-label={t('line.delete', { amount: formatMoney(line.amount as DecimalString) })}
                    loading={remove.isPending && remove.variables?.movementId === line.id}
                    onClick={() =>
                      remove.mutate(
                        { paymentId: payment.id, direction, movementId: line.id },
                        {
                          onError: (error) =>
                            notifications.show({ color: 'red', title: t('failed'), message: crmError(error) }),
                        },
                      )
                    }
                  >
                    <span aria-hidden>✕</span>
                  </ActionIcon>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
