'use client';

import { Select, TextInput } from '@mantine/core';
import { POLICY_CLOSED_REASONS, POLICY_STATUSES, type Policy, type PolicyStatus } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useUpdatePolicy } from '@/lib/queries/policies.queries';
import { useCrmFormErrors } from './form-helpers';
import { normalizeMoneyInput } from './money';
import { PolicyTermsFields } from './policy-terms.fields';

/** Edits a policy's premium, period and status (closing needs a reason). */
export function PolicyEditDialog({
  policy,
  opened,
  onClose,
}: {
  policy: Policy;
  opened: boolean;
  onClose: () => void;
}) {
  const t = useTranslations('policies.edit');
  const tp = useTranslations('policies');
  const update = useUpdatePolicy();
  const form = useCrmFormErrors({ closed_reason_required: 'closedReason', policy_dates_required: 'effectiveFrom' });
  const [premium, setPremium] = useState(policy.premium ?? '');
  const [commissionRate, setCommissionRate] = useState(policy.commissionRate ?? '');
  const [effectiveFrom, setEffectiveFrom] = useState(policy.effectiveFrom ?? '');
  const [effectiveTo, setEffectiveTo] = useState(policy.effectiveTo ?? '');
  const [status, setStatus] = useState<PolicyStatus>(policy.status);
  const [closedReason, setClosedReason] = useState<string | null>(policy.closedReason);

  const reset = () => {
    setPremium(policy.premium ?? '');
    setCommissionRate(policy.commissionRate ?? '');
    setEffectiveFrom(policy.effectiveFrom ?? '');
    setEffectiveTo(policy.effectiveTo ?? '');
    setStatus(policy.status);
    setClosedReason(policy.closedReason);
    form.clear();
    update.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    const nextPremium = premium.trim() === '' ? null : normalizeMoneyInput(premium);
    const nextRate = commissionRate.trim() === '' ? null : normalizeMoneyInput(commissionRate);
    update.mutate(
      {
        policyId: policy.id,
        input: {
          premium: nextPremium === policy.premium ? undefined : nextPremium,
          commissionRate: nextRate === policy.commissionRate ? undefined : nextRate,
          effectiveFrom: effectiveFrom === (policy.effectiveFrom ?? '') ? undefined : effectiveFrom || null,
          effectiveTo: effectiveTo === (policy.effectiveTo ?? '') ? undefined : effectiveTo || null,
          status: status === policy.status ? undefined : status,
          closedReason:
            status === 'closed' && status !== policy.status
              ? ((closedReason ?? undefined) as (typeof POLICY_CLOSED_REASONS)[number] | undefined)
              : undefined,
          version: policy.version,
        },
      },
      { onSuccess: onClose, onError: form.show },
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={reset}
      title={t('title', { number: policy.policyNumber })}
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('submit')}
      pending={update.isPending}
    >
      <TextInput
        label={t('premium')}
        inputMode="decimal"
        value={premium}
        onChange={(event) => setPremium(event.currentTarget.value)}
        error={form.errors.premium}
        data-autofocus
      />
      <PolicyTermsFields
        label={t}
        commissionRate={commissionRate}
        effectiveFrom={effectiveFrom}
        effectiveTo={effectiveTo}
        onCommissionRate={setCommissionRate}
        onEffectiveFrom={setEffectiveFrom}
        onEffectiveTo={setEffectiveTo}
        errors={form.errors}
      />
      <Select
        label={t('status')}
        data={POLICY_STATUSES.map((value) => ({ value, label: tp(`statuses.${value}`) }))}
        value={status}
        onChange={(value) => setStatus((value as PolicyStatus | null) ?? policy.status)}
        allowDeselect={false}
        error={form.errors.status}
        comboboxProps={{ withinPortal: true }}
      />
      {status === 'closed' && status !== policy.status && (
        <Select
          label={t('closedReason')}
          withAsterisk
          data={POLICY_CLOSED_REASONS.map((value) => ({ value, label: tp(`closedReasons.${value}`) }))}
          value={closedReason}
          onChange={setClosedReason}
          error={form.errors.closedReason}
          comboboxProps={{ withinPortal: true }}
        />
      )}
    </FormModal>
  );
}
