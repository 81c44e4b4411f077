'use client';

import { Group, MultiSelect, TextInput } from '@mantine/core';
import { PAYMENT_STATUSES, type PaymentStatus } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { DealPicker } from '@/features/tasks/deal.picker';
import type { PaymentFilters } from '@/lib/queries/payments-list.queries';

export interface PaymentsFilterState {
  status: PaymentStatus[];
  dealId: string | null;
  plannedFrom: string;
  plannedTo: string;
  paidFrom: string;
  paidTo: string;
}

export const DEFAULT_PAYMENT_FILTERS: PaymentsFilterState = {
  status: [],
  dealId: null,
  plannedFrom: '',
  plannedTo: '',
  paidFrom: '',
  paidTo: '',
};

/** The form's state as API filters (empty fields left out). */
export function toPaymentFilters(state: PaymentsFilterState): PaymentFilters {
  return {
    status: state.status.length > 0 ? state.status : undefined,
    dealId: state.dealId ?? undefined,
    plannedFrom: state.plannedFrom || undefined,
    plannedTo: state.plannedTo || undefined,
    paidFrom: state.paidFrom || undefined,
    paidTo: state.paidTo || undefined,
  };
}

/** A range's end before its start: the API would refuse it, the form says so first. */
export function rangeErrors(state: PaymentsFilterState): { planned: boolean; paid: boolean } {
  return {
    planned: Boolean(state.plannedFrom && state.plannedTo && state.plannedFrom > state.plannedTo),
    paid: Boolean(state.paidFrom && state.paidTo && state.paidFrom > state.paidTo),
  };
}

export function PaymentsListFilters({
  value,
  onChange,
}: {
  value: PaymentsFilterState;
  onChange: (next: PaymentsFilterState) => void;
}) {
  const t = useTranslations('paymentsList');
  const errors = rangeErrors(value);
  const date = (field: 'plannedFrom' | 'plannedTo' | 'paidFrom' | 'paidTo', error?: string) => (
    <TextInput
      label={t(`filters.${field}`)}
      type="date"
      value={value[field]}
      onChange={(event) => onChange({ ...value, [field]: event.currentTarget.value })}
      error={error}
      w={{ base: '100%', xs: 170 }}
    />
  );
  return (
    <Group gap="md" align="flex-start" wrap="wrap" role="search" aria-label={t('filters.label')}>
      <MultiSelect
        label={t('filters.status')}
        placeholder={value.status.length === 0 ? t('filters.anyStatus') : undefined}
        data={PAYMENT_STATUSES.map((status) => ({ value: status, label: t(`statuses.${status}`) }))}
        value={value.status}
        onChange={(status) => onChange({ ...value, status: status as PaymentStatus[] })}
        clearable
        w={{ base: '100%', xs: 260 }}
      />
      <DealPicker
        value={value.dealId}
        onChange={(dealId) => onChange({ ...value, dealId })}
        label={t('filters.deal')}
      />
      {date('plannedFrom')}
      {date('plannedTo', errors.planned ? t('filters.rangeError') : undefined)}
      {date('paidFrom')}
      {date('paidTo', errors.paid ? t('filters.rangeError') : undefined)}
    </Group>
  );
}
