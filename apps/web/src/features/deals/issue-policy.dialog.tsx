'use client';

import { SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Calculation } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useIssuePolicy } from '@/lib/queries/calculations.queries';
import { useCrmFormErrors } from './form-helpers';
import { normalizeMoneyInput } from './money';
import { PolicyTermsFields } from './policy-terms.fields';

/** Issues the policy of a chosen quote: number, status, premium and period (defaults: the quote's). */
export function IssuePolicyDialog({
  dealId,
  calculation,
  opened,
  onClose,
}: {
  dealId: string;
  calculation: Calculation | null;
  opened: boolean;
  onClose: () => void;
}) {
  const t = useTranslations('calculations.issue');
  const issue = useIssuePolicy(dealId);
  const form = useCrmFormErrors({ policy_number_exists: 'policyNumber', policy_dates_required: 'effectiveFrom' });
  const [policyNumber, setPolicyNumber] = useState('');
  const [status, setStatus] = useState<'draft' | 'active'>('draft');
  const [premium, setPremium] = useState<string | null>(null);
  const [commissionRate, setCommissionRate] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState<string | null>(null);
  const [effectiveTo, setEffectiveTo] = useState<string | null>(null);

  const reset = () => {
    setPolicyNumber('');
    setStatus('draft');
    setPremium(null);
    setCommissionRate('');
    setEffectiveFrom(null);
    setEffectiveTo(null);
    form.clear();
    issue.reset();
  };

  // Untouched fields show the quote's values, which the API also uses by default.
  const premiumValue = premium ?? calculation?.premiumAmount ?? '';
  const fromValue = effectiveFrom ?? calculation?.validityPeriod?.start ?? '';
  const toValue = effectiveTo ?? calculation?.validityPeriod?.end ?? '';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!calculation) return;
    form.clear();
    issue.mutate(
      {
        calculationId: calculation.id,
        input: {
          policyNumber,
          status,
          premium: premiumValue.trim() === '' ? undefined : normalizeMoneyInput(premiumValue),
          commissionRate: commissionRate.trim() === '' ? undefined : normalizeMoneyInput(commissionRate),
          effectiveFrom: fromValue === '' ? undefined : fromValue,
          effectiveTo: toValue === '' ? undefined : toValue,
        },
      },
      {
        onSuccess: (policy) => {
          notifications.show({ color: 'green', message: t('issued', { number: policy.policyNumber }) });
          onClose();
        },
        onError: form.show,
      },
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={reset}
      title={t('title')}
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('submit')}
      pending={issue.isPending}
      intro={
        calculation && (
          <Text size="sm" c="dimmed">
            {t('from', { company: calculation.insuranceCompany })}
          </Text>
        )
      }
    >
      <TextInput
        label={t('policyNumber')}
        withAsterisk
        value={policyNumber}
        onChange={(event) => setPolicyNumber(event.currentTarget.value)}
        error={form.errors.policyNumber}
        data-autofocus
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="issue-status">
          {t('status')}
        </Text>
        <SegmentedControl
          aria-labelledby="issue-status"
          value={status}
          onChange={(value) => setStatus(value === 'active' ? 'active' : 'draft')}
          data={[
            { value: 'draft', label: t('draft') },
            { value: 'active', label: t('active') },
          ]}
        />
      </Stack>
      <TextInput
        label={t('premium')}
        inputMode="decimal"
        value={premiumValue}
        onChange={(event) => setPremium(event.currentTarget.value)}
        error={form.errors.premium}
      />
      <PolicyTermsFields
        label={t}
        commissionRate={commissionRate}
        effectiveFrom={fromValue}
        effectiveTo={toValue}
        onCommissionRate={setCommissionRate}
        onEffectiveFrom={setEffectiveFrom}
        onEffectiveTo={setEffectiveTo}
        errors={form.errors}
      />
    </FormModal>
  );
}
