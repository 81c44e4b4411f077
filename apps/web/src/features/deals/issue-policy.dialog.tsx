'use client';

import { Alert, Button, Group, Modal, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { Calculation } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { useIssuePolicy } from '@/lib/queries/calculations.queries';
import { useFormErrors } from './form-helpers';
import { normalizeMoneyInput } from './money';

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
  const tc = useTranslations('common');
  const narrow = useMediaQuery('(max-width: 36em)');
  const issue = useIssuePolicy(dealId);
  const form = useFormErrors({ policy_number_exists: 'policyNumber', policy_dates_required: 'effectiveFrom' });
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
    <Modal opened={opened} onClose={onClose} onExitTransitionEnd={reset} title={t('title')} fullScreen={narrow}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {calculation && (
            <Text size="sm" c="dimmed">
              {t('from', { company: calculation.insuranceCompany })}
            </Text>
          )}
          {form.formError && (
            <Alert color="red" role="alert" variant="light">
              {form.formError}
            </Alert>
          )}
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
          <TextInput
            label={t('commissionRate')}
            inputMode="decimal"
            placeholder="12.50"
            value={commissionRate}
            onChange={(event) => setCommissionRate(event.currentTarget.value)}
            error={form.errors.commissionRate}
          />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput
              type="date"
              label={t('effectiveFrom')}
              value={fromValue}
              onChange={(event) => setEffectiveFrom(event.currentTarget.value)}
              error={form.errors.effectiveFrom}
            />
            <TextInput
              type="date"
              label={t('effectiveTo')}
              value={toValue}
              onChange={(event) => setEffectiveTo(event.currentTarget.value)}
              error={form.errors.effectiveTo}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {tc('cancel')}
            </Button>
            <Button type="submit" loading={issue.isPending}>
              {t('submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
