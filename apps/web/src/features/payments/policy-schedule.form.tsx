'use client';

import { Alert, Button, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { todayIso } from '@/features/deals/deal-shared';
import { useCrmFormErrors } from '@/features/deals/form-helpers';
import { formatDate, formatMoney } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { type PolicyRef, useSchedulePayments } from '@/lib/queries/payments.queries';
import { previewSchedule } from './policy-schedule';

/** Generates the installment plan of the premium, with a preview of what will be created. */
export function ScheduleForm({
  policy,
  premium,
  onDone,
}: {
  policy: PolicyRef;
  premium: string | null;
  onDone: () => void;
}) {
  const t = useTranslations('dealPayments.schedule');
  const tc = useTranslations('common');
  const locale = useLocale() as AppLocale;
  const schedule = useSchedulePayments(policy);
  const form = useCrmFormErrors({ premium_required: 'count' });
  const [count, setCount] = useState<number | string>(4);
  const [firstDate, setFirstDate] = useState(todayIso);
  const [intervalMonths, setIntervalMonths] = useState<number | string>(3);

  const preview = premium ? previewSchedule(premium, Number(count), firstDate, Number(intervalMonths)) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    schedule.mutate(
      { count: Number(count), firstDate, intervalMonths: Number(intervalMonths) },
      { onSuccess: onDone, onError: form.show },
    );
  };

  if (!premium) {
    return (
      <Alert color="yellow" variant="light">
        {t('noPremium')}
      </Alert>
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label={t('title')}>
      <Stack gap="xs">
        {form.formError && (
          <Alert color="red" role="alert" variant="light">
            {form.formError}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
          <NumberInput
            label={t('count')}
            min={1}
            max={60}
            allowDecimal={false}
            value={count}
            onChange={setCount}
            error={form.errors.count}
          />
          <TextInput
            type="date"
            label={t('firstDate')}
            value={firstDate}
            onChange={(event) => setFirstDate(event.currentTarget.value)}
            error={form.errors.firstDate}
          />
          <NumberInput
            label={t('intervalMonths')}
            min={1}
            max={12}
            allowDecimal={false}
            value={intervalMonths}
            onChange={setIntervalMonths}
            error={form.errors.intervalMonths}
          />
        </SimpleGrid>
        {preview ? (
          <Table.ScrollContainer minWidth={280}>
            <Table verticalSpacing={2} fz="sm" aria-label={t('preview')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('date')}</Table.Th>
                  <Table.Th ta="right">{t('amount')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.map((installment, index) => (
                  <Table.Tr key={installment.plannedDate + String(index)}>
                    <Table.Td>{index + 1}</Table.Td>
                    <Table.Td>{formatDate(installment.plannedDate, locale)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(installment.plannedAmount)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text size="sm" c="dimmed">
            {t('noPreview')}
          </Text>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={onDone}>
            {tc('cancel')}
          </Button>
          <Button type="submit" size="xs" loading={schedule.isPending}>
            {t('submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
