'use client';

import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import {
  BONUS_INCOME_CATEGORY,
  COLLEAGUE_PAYOUT_CATEGORY,
  COMMISSION_INCOME_CATEGORY,
  type MovementDirection,
  type Payment,
  PREMIUM_INCOME_CATEGORIES,
  paymentAmountSchema,
} from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { todayIso } from '@/features/deals/deal-shared';
import { useCrmFormErrors } from '@/features/deals/form-helpers';
import { normalizeMoneyInput, sumAmounts } from '@/features/deals/money';
import { formatMoney, isOneOf } from '@/lib/format';
import { type PolicyRef, useAddPaymentLine } from '@/lib/queries/payments.queries';

/** What money came in for (premium categories, commission, bonus) and what it went out for. */
export const LINE_CATEGORIES = {
  incomes: [...PREMIUM_INCOME_CATEGORIES, COMMISSION_INCOME_CATEGORY, BONUS_INCOME_CATEGORY],
  expenses: [COLLEAGUE_PAYOUT_CATEGORY, 'discount', 'partner_fee', 'refund'],
} as const satisfies Record<MovementDirection, readonly string[]>;
export type LineCategory = (typeof LINE_CATEGORIES)[MovementDirection][number];

export function isLineCategory(direction: MovementDirection, value: string): value is LineCategory {
  return isOneOf(LINE_CATEGORIES[direction], value);
}

/** Records an income or expense line on a payment; the totals it leads to show as you type. */
export function PaymentLineForm({
  policy,
  payment,
  direction,
  onDone,
}: {
  policy: PolicyRef;
  payment: Payment;
  direction: MovementDirection;
  onDone: () => void;
}) {
  const t = useTranslations('dealPayments.line');
  const tc = useTranslations('common');
  const add = useAddPaymentLine(policy);
  const form = useCrmFormErrors({ currency_mismatch: 'amount', amount_out_of_range: 'amount' });
  const [amount, setAmount] = useState('');
  const [category, setCategory] = useState<string | null>(LINE_CATEGORIES[direction][0]);
  const [postedAt, setPostedAt] = useState(todayIso);
  const [note, setNote] = useState('');

  const typed = paymentAmountSchema.safeParse(normalizeMoneyInput(amount));
  const current = direction === 'incomes' ? payment.incomesTotal : payment.expensesTotal;
  const after = typed.success ? sumAmounts([current, typed.data]) : null;
  const netAfter =
    typed.success && direction === 'incomes'
      ? sumAmounts([payment.netTotal, typed.data])
      : typed.success
        ? sumAmounts([payment.netTotal, `-${typed.data}`])
        : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    add.mutate(
      {
        paymentId: payment.id,
        direction,
        input: {
          amount: normalizeMoneyInput(amount),
          currency: payment.currency,
          category: category ?? '',
          postedAt,
          note: note.trim() === '' ? null : note.trim(),
        },
      },
      { onSuccess: onDone, onError: form.show },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t(direction === 'incomes' ? 'addIncome' : 'addExpense')}>
      <Stack gap="xs">
        {form.formError && (
          <Alert color="red" role="alert" variant="light">
            {form.formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
          <TextInput
            label={t('amount')}
            inputMode="decimal"
            withAsterisk
            value={amount}
            onChange={(event) => setAmount(event.currentTarget.value)}
            error={form.errors.amount}
            data-autofocus
          />
          <Select
            label={t('category')}
            data={LINE_CATEGORIES[direction].map((value) => ({
              value,
              label: t(`categories.${value as LineCategory}`),
            }))}
            value={category}
            onChange={setCategory}
            allowDeselect={false}
            error={form.errors.category}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            type="date"
            label={t('postedAt')}
            withAsterisk
            value={postedAt}
            onChange={(event) => setPostedAt(event.currentTarget.value)}
            error={form.errors.postedAt}
          />
          <TextInput
            label={t('note')}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            error={form.errors.note}
          />
        </SimpleGrid>
        {after && netAfter && (
          <Text size="sm" c="dimmed" role="status">
            {t(direction === 'incomes' ? 'incomesAfter' : 'expensesAfter', { amount: formatMoney(after) })} ·{' '}
            {t('netAfter', { amount: formatMoney(netAfter) })}
          </Text>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={onDone}>
            {tc('cancel')}
          </Button>
          <Button type="submit" size="xs" loading={add.isPending}>
            {t('submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
