'use client';

import {
  ActionIcon,
  Alert,
  Button,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import {
  COLLEAGUE_PAYOUT_CATEGORY,
  COMMISSION_INCOME_CATEGORY,
  type CommissionSplitRequest,
  type CommissionSplitResult,
  commissionSplitRequestSchema,
  type Payment,
  paymentAmountSchema,
} from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useRef, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { todayIso, useCrmError, usePeople } from '@/features/deals/deal-shared';
import { normalizeMoneyInput, subtractAmounts, sumAmounts, toKopecks } from '@/features/deals/money';
import { isApiError } from '@/lib/api';
import { type DecimalString, formatMoney } from '@/lib/format';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { type PolicyRef, useSplitCommission } from '@/lib/queries/payments.queries';
import { useFormErrors } from '@/lib/use-form-errors';

/** The contract's limit of colleagues in one split. */
export const MAX_SHARES = 20;

/** A share in percent as the contract takes it: 0.01–100 with at most two decimals. */
const sharePercentSchema = commissionSplitRequestSchema.shape.shares.options[0].element.shape.percent;
const SHARE_NAME_MAX = 120;

type SplitMode = 'percent' | 'amount';

interface ShareRow {
  key: number;
  userId: string | null;
  value: string;
}

/** Commission received on the payment, what colleagues already got out of it, and what is left to split. */
export function paymentCommission(payment: Payment) {
  const received = sumAmounts(
    (payment.incomes ?? []).filter((line) => line.category === COMMISSION_INCOME_CATEGORY).map((line) => line.amount),
  );
  const split = sumAmounts(
    (payment.expenses ?? []).filter((line) => line.category === COLLEAGUE_PAYOUT_CATEGORY).map((line) => line.amount),
  );
  return { received, split, available: subtractAmounts(received, split) };
}

export function hasCommissionReceived(payment: Payment): boolean {
  return toKopecks(paymentCommission(payment).received) > 0n;
}

/** "12,5" as the contract's "12.5"; anything else is left for the schema to refuse. */
function normalizePercentInput(value: string): string {
  return value.replace(/[\s%]/g, '').replace(',', '.');
}

/**
 * Splits the commission received on a payment among colleagues, by percent of it or by amounts:
 * one "payout to a colleague" expense line each.
 */
export function CommissionSplitDialog({
  policy,
  payment,
  opened,
  onClose,
  onSplit,
}: {
  policy: PolicyRef;
  payment: Payment;
  opened: boolean;
  onClose: () => void;
  onSplit: (result: CommissionSplitResult) => void;
}) {
  const t = useTranslations('dealPayments.split');
  const tv = useTranslations('validation');
  const people = usePeople();
  const crmError = useCrmError();
  const messages = useErrorMessages();
  const splitCommission = useSplitCommission(policy);
  const nextKey = useRef(1);
  const [mode, setMode] = useState<SplitMode>('percent');
  const [rows, setRows] = useState<ShareRow[]>([{ key: 0, userId: null, value: '' }]);
  const [postedAt, setPostedAt] = useState(todayIso);

  const describe = (error: unknown): string => {
    if (isApiError(error) && error.code === 'commission_split_exceeds_received') {
      const amount = (key: string) => formatMoney(String(error.details[key] ?? '0') as DecimalString);
      return t('exceedsReceived', {
        received: amount('commissionReceived'),
        previouslySplit: amount('previouslySplit'),
        requested: amount('requested'),
      });
    }
    if (isApiError(error) && error.code === 'posted_at_in_future') return t('postedAtInFuture');
    return crmError(error);
  };
  // The API names a share's problem by its index (`shares.1.amount`): it goes next to that row.
  const fields = (error: unknown): Record<string, string> => {
    if (!isApiError(error) || error.issues.length > 0) return messages.fieldErrors(error);
    const result: Record<string, string> = {};
    for (const { field, message } of error.errors) {
      const name = field.replace(/^body\./, '');
      const share = /^shares\.(\d+)(?:\.(\w+))?/.exec(name);
      const key = share ? `shares.${share[1]}.${share[2] === 'userId' ? 'userId' : 'value'}` : name.split('.')[0];
      if (key) result[key] ??= error.code === 'share_too_small' ? t('shareTooSmall') : message;
    }
    return result;
  };
  const form = useFormErrors({ describe, fields, fieldOf: { posted_at_in_future: 'postedAt' } });

  const commission = paymentCommission(payment);
  const chosen = new Set(rows.map((row) => row.userId).filter((id) => id !== null));

  const reset = () => {
    setMode('percent');
    setRows([{ key: 0, userId: null, value: '' }]);
    setPostedAt(todayIso());
    form.clear();
    splitCommission.reset();
  };

  const changeRow = (key: number, change: Partial<ShareRow>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const addRow = () => {
    const key = nextKey.current++;
    setRows((current) => (current.length < MAX_SHARES ? [...current, { key, userId: null, value: '' }] : current));
  };
  const removeRow = (key: number) => {
    setRows((current) => current.filter((row) => row.key !== key));
    form.clear();
  };
  const switchMode = (value: string) => {
    // A percent means nothing as an amount and back: the values start over, the colleagues stay.
    setMode(value === 'amount' ? 'amount' : 'percent');
    setRows((current) => current.map((row) => ({ ...row, value: '' })));
    form.clear();
  };

  const normalized = rows.map((row) =>
    mode === 'percent' ? normalizePercentInput(row.value) : normalizeMoneyInput(row.value),
  );
  const valueSchema = mode === 'percent' ? sharePercentSchema : paymentAmountSchema;
  const valid = normalized.every((value) => valueSchema.safeParse(value).success);
  const total = valid ? sumAmounts(normalized) : null;

  /** The form's own check, with the contract's rules for a share; nothing is sent while it fails. */
  const check = (): Record<string, string> => {
    const errors: Record<string, string> = {};
    rows.forEach((row, index) => {
      if (row.userId === null) errors[`shares.${index}.userId`] = tv('required');
      const value = normalized[index] ?? '';
      if (value === '') errors[`shares.${index}.value`] = tv('required');
      else if (!valueSchema.safeParse(value).success) {
        errors[`shares.${index}.value`] = t(mode === 'percent' ? 'percentInvalid' : 'amountInvalid');
      }
    });
    if (mode === 'percent' && total !== null && toKopecks(total) > 10_000n) errors.shares = t('overHundred');
    return errors;
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    const errors = check();
    if (Object.keys(errors).length > 0) {
      form.setErrors(errors);
      return;
    }
    const shares = rows.map((row, index) => ({
      userId: row.userId ?? '',
      value: normalized[index] ?? '',
      // The expense line's note names the colleague, not their id.
      name: people.name(row.userId).slice(0, SHARE_NAME_MAX),
    }));
    const input: CommissionSplitRequest = {
      shares:
        mode === 'percent'
          ? shares.map(({ userId, value, name }) => ({ userId, percent: value, name }))
          : shares.map(({ userId, value, name }) => ({ userId, amount: value, name })),
      postedAt: postedAt === '' ? undefined : postedAt,
    };
    splitCommission.mutate(
      { paymentId: payment.id, input },
      {
        onSuccess: (result) => {
          onSplit(result);
          onClose();
        },
        onError: form.show,
      },
    );
  };

  const valueLabel = t(mode === 'percent' ? 'percent' : 'amount');

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={reset}
      title={t('title', { sequence: payment.sequence })}
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('submit')}
      pending={splitCommission.isPending}
      size="lg"
      intro={
        <Text size="sm" c="dimmed">
          {t('intro', {
            received: formatMoney(commission.received),
            split: formatMoney(commission.split),
            available: formatMoney(commission.available),
          })}
        </Text>
      }
    >
      <Stack gap={4}>
        <Text size="sm" fw={500} id={`split-mode-${payment.id}`}>
          {t('mode')}
        </Text>
        <SegmentedControl
          aria-labelledby={`split-mode-${payment.id}`}
          value={mode}
          onChange={switchMode}
          data={[
            { value: 'percent', label: t('byPercent') },
            { value: 'amount', label: t('byAmount') },
          ]}
        />
      </Stack>
      <Stack gap="xs">
        {rows.map((row, index) => (
          <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap">
            <Select
              flex={1}
              aria-label={t('colleagueN', { n: index + 1 })}
              label={index === 0 ? t('colleague') : undefined}
              placeholder={t('colleaguePlaceholder')}
              withAsterisk={index === 0}
              searchable
              data={people.options.map((option) => ({
                ...option,
                disabled: option.value !== row.userId && chosen.has(option.value),
              }))}
              value={row.userId}
              onChange={(userId) => changeRow(row.key, { userId })}
              error={form.errors[`shares.${index}.userId`]}
              nothingFoundMessage={t('nobodyFound')}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              w={130}
              aria-label={t('valueN', { label: valueLabel, n: index + 1 })}
              label={index === 0 ? valueLabel : undefined}
              withAsterisk={index === 0}
              inputMode="decimal"
              value={row.value}
              onChange={(event) => changeRow(row.key, { value: event.currentTarget.value })}
              error={form.errors[`shares.${index}.value`]}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              mt={index === 0 ? 26 : 4}
              aria-label={t('removeRow', { n: index + 1 })}
              disabled={rows.length === 1}
              onClick={() => removeRow(row.key)}
            >
              <span aria-hidden>✕</span>
            </ActionIcon>
          </Group>
        ))}
        {form.errors.shares && (
          <Text size="sm" c="red" role="alert">
            {form.errors.shares}
          </Text>
        )}
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Button size="compact-sm" variant="light" onClick={addRow} disabled={rows.length >= MAX_SHARES}>
            {t('addRow')}
          </Button>
          {total !== null && (
            <Text size="sm" c="dimmed" role="status">
              {mode === 'percent'
                ? t('totalPercent', { percent: Number(total) })
                : t('totalAmount', {
                    amount: formatMoney(total),
                    remaining: formatMoney(subtractAmounts(commission.available, total)),
                  })}
            </Text>
          )}
        </Group>
        {rows.length >= MAX_SHARES && (
          <Text size="xs" c="dimmed">
            {t('limit', { max: MAX_SHARES })}
          </Text>
        )}
      </Stack>
      <TextInput
        type="date"
        label={t('postedAt')}
        max={todayIso()}
        value={postedAt}
        onChange={(event) => setPostedAt(event.currentTarget.value)}
        error={form.errors.postedAt}
      />
    </FormModal>
  );
}

/** What the API answered to a split: the commission, what colleagues got before and now, the agency's rest. */
export function CommissionSplitSummary({ result, onClose }: { result: CommissionSplitResult; onClose: () => void }) {
  const t = useTranslations('dealPayments.split.result');
  const tc = useTranslations('common');
  const items = [
    ['received', result.commissionReceived],
    ['previouslySplit', result.previouslySplit],
    ['split', result.split],
    ['remaining', result.remaining],
  ] as const;
  return (
    <Alert
      color="green"
      variant="light"
      role="status"
      title={t('title')}
      withCloseButton
      closeButtonLabel={tc('close')}
      onClose={onClose}
    >
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
        {items.map(([key, amount]) => (
          <Stack key={key} gap={0}>
            <Text size="xs" c="dimmed">
              {t(key)}
            </Text>
            <Text size="sm" fw={600} data-testid={`split-${key}`}>
              {formatMoney(amount as DecimalString)}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Alert>
  );
}
