'use client';

import { SimpleGrid, TextInput } from '@mantine/core';

type TermKey = 'commissionRate' | 'effectiveFrom' | 'effectiveTo';

export interface PolicyTermsFieldsProps {
  /** Labels from the dialog's own messages. */
  label: (key: TermKey) => string;
  commissionRate: string;
  effectiveFrom: string;
  effectiveTo: string;
  onCommissionRate: (value: string) => void;
  onEffectiveFrom: (value: string) => void;
  onEffectiveTo: (value: string) => void;
  errors: Partial<Record<string, string>>;
}

/** A policy's commission rate and period, as issuing and editing a policy both ask for them. */
export function PolicyTermsFields(props: PolicyTermsFieldsProps) {
  const { label, errors } = props;
  return (
    <>
      <TextInput
        label={label('commissionRate')}
        inputMode="decimal"
        placeholder="12.50"
        value={props.commissionRate}
        onChange={(event) => props.onCommissionRate(event.currentTarget.value)}
        error={errors.commissionRate}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          type="date"
          label={label('effectiveFrom')}
          value={props.effectiveFrom}
          onChange={(event) => props.onEffectiveFrom(event.currentTarget.value)}
          error={errors.effectiveFrom}
        />
        <TextInput
          type="date"
          label={label('effectiveTo')}
          value={props.effectiveTo}
          onChange={(event) => props.onEffectiveTo(event.currentTarget.value)}
          error={errors.effectiveTo}
        />
      </SimpleGrid>
    </>
  );
}
