'use client';

import { Alert, Button, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { useCrmFormErrors } from '@/features/deals/form-helpers';
import { normalizeMoneyInput } from '@/features/deals/money';
import { type PolicyRef, useCreatePayment } from '@/lib/queries/payments.queries';

/** Plans one payment of the policy (an installment, a commission, a payout). */
export function PaymentForm({ policy, onDone }: { policy: PolicyRef; onDone: () => void }) {
  const t = useTranslations('dealPayments.payment');
  const tc = useTranslations('common');
  const create = useCreatePayment(policy);
  const form = useCrmFormErrors({ unsupported_currency: 'plannedAmount', amount_out_of_range: 'plannedAmount' });
  const [plannedAmount, setPlannedAmount] = useState('');
  const [plannedDate, setPlannedDate] = useState('');
  const [comment, setComment] = useState('');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    create.mutate(
      {
        plannedAmount: normalizeMoneyInput(plannedAmount),
        currency: 'RUB',
        plannedDate: plannedDate === '' ? null : plannedDate,
        comment: comment.trim() === '' ? null : comment.trim(),
      },
      { onSuccess: onDone, onError: form.show },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('add')}>
      <Stack gap="xs">
        {form.formError && (
          <Alert color="red" role="alert" variant="light">
            {form.formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
          <TextInput
            label={t('plannedAmount')}
            inputMode="decimal"
            withAsterisk
            value={plannedAmount}
            onChange={(event) => setPlannedAmount(event.currentTarget.value)}
            error={form.errors.plannedAmount}
            data-autofocus
          />
          <TextInput
            type="date"
            label={t('plannedDate')}
            value={plannedDate}
            onChange={(event) => setPlannedDate(event.currentTarget.value)}
            error={form.errors.plannedDate}
          />
          <TextInput
            label={t('comment')}
            value={comment}
            onChange={(event) => setComment(event.currentTarget.value)}
            error={form.errors.comment}
          />
        </SimpleGrid>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={onDone}>
            {tc('cancel')}
          </Button>
          <Button type="submit" size="xs" loading={create.isPending}>
            {t('submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
