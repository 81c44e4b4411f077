'use client';

import { Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useMe } from '@/lib/queries';
import { useCreateCalculation } from '@/lib/queries/calculations.queries';
import { todayIso, usePeople } from './deal-shared';
import { useCrmFormErrors } from './form-helpers';
import { normalizeMoneyInput } from './money';

function optional(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

/** Enters an insurer's quote on the deal (a draft; it becomes ready once complete). */
export function CalculationFormDialog({
  dealId,
  opened,
  onClose,
}: {
  dealId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const t = useTranslations('calculations.form');
  const me = useMe();
  const people = usePeople();
  const create = useCreateCalculation(dealId);
  const form = useCrmFormErrors();
  const [insuranceCompany, setInsuranceCompany] = useState('');
  const [programName, setProgramName] = useState('');
  const [premiumAmount, setPremiumAmount] = useState('');
  const [coverageSum, setCoverageSum] = useState('');
  const [calculationDate, setCalculationDate] = useState(todayIso);
  const [validFrom, setValidFrom] = useState('');
  const [validTo, setValidTo] = useState('');
  const [files, setFiles] = useState('');
  const [comments, setComments] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);

  const reset = () => {
    setInsuranceCompany('');
    setProgramName('');
    setPremiumAmount('');
    setCoverageSum('');
    setCalculationDate(todayIso());
    setValidFrom('');
    setValidTo('');
    setFiles('');
    setComments('');
    setOwnerId(null);
    form.clear();
    create.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    const premium = optional(premiumAmount);
    const coverage = optional(coverageSum);
    const hasPeriod = validFrom !== '' || validTo !== '';
    create.mutate(
      {
        insuranceCompany,
        programName: optional(programName),
        premiumAmount: premium === null ? null : normalizeMoneyInput(premium),
        coverageSum: coverage === null ? null : normalizeMoneyInput(coverage),
        calculationDate,
        validityPeriod: hasPeriod ? { start: validFrom, end: validTo } : null,
        files: files
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== ''),
        comments: optional(comments),
        ownerId: ownerId ?? me.data?.id ?? '',
      },
      {
        onSuccess: (calculation) => {
          notifications.show({ color: 'green', message: t('created', { company: calculation.insuranceCompany }) });
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
      size="lg"
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('submit')}
      pending={create.isPending}
    >
      <TextInput
        label={t('insuranceCompany')}
        withAsterisk
        value={insuranceCompany}
        onChange={(event) => setInsuranceCompany(event.currentTarget.value)}
        error={form.errors.insuranceCompany}
        data-autofocus
      />
      <TextInput
        label={t('programName')}
        value={programName}
        onChange={(event) => setProgramName(event.currentTarget.value)}
        error={form.errors.programName}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          label={t('premiumAmount')}
          inputMode="decimal"
          placeholder="150000.00"
          value={premiumAmount}
          onChange={(event) => setPremiumAmount(event.currentTarget.value)}
          error={form.errors.premiumAmount}
        />
        <TextInput
          label={t('coverageSum')}
          inputMode="decimal"
          value={coverageSum}
          onChange={(event) => setCoverageSum(event.currentTarget.value)}
          error={form.errors.coverageSum}
        />
        <TextInput
          type="date"
          label={t('calculationDate')}
          withAsterisk
          value={calculationDate}
          onChange={(event) => setCalculationDate(event.currentTarget.value)}
          error={form.errors.calculationDate}
        />
        <Select
          label={t('owner')}
          placeholder={t('ownerDefault')}
          data={people.options}
          value={ownerId}
          onChange={setOwnerId}
          searchable
          clearable
          error={form.errors.ownerId}
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput
          type="date"
          label={t('validFrom')}
          value={validFrom}
          onChange={(event) => setValidFrom(event.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t('validTo')}
          value={validTo}
          onChange={(event) => setValidTo(event.currentTarget.value)}
          error={form.errors.validityPeriod}
        />
      </SimpleGrid>
      <Textarea
        label={t('files')}
        description={t('filesHint')}
        autosize
        minRows={2}
        value={files}
        onChange={(event) => setFiles(event.currentTarget.value)}
        error={form.errors.files}
      />
      <Textarea
        label={t('comments')}
        autosize
        minRows={2}
        value={comments}
        onChange={(event) => setComments(event.currentTarget.value)}
        error={form.errors.comments}
      />
    </FormModal>
  );
}
