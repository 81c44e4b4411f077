'use client';

import { Select, type SelectProps } from '@mantine/core';
import { type DirectoryEntry, ROLES } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { useUserDirectory } from '@/lib/queries/deals.queries';

/** The "nobody" choice: a select value cannot be null. */
const NO_OWNER = '__none__';

export interface OwnerOption {
  value: string;
  label: string;
}

/** Nobody, then the sales agents; the current owner stays listed even when they are not one (any more). */
export function ownerOptions(
  directory: readonly DirectoryEntry[],
  current: string | null,
  labels: { noOwner: string; unknown: string },
): OwnerOption[] {
  const people = directory
    .filter((entry) => entry.roles.includes(ROLES.SALES_AGENT) || entry.id === current)
    .map((entry) => ({ value: entry.id, label: entry.fullName?.trim() || entry.email }));
  if (current && !people.some((option) => option.value === current)) {
    people.push({ value: current, label: labels.unknown });
  }
  return [{ value: NO_OWNER, label: labels.noOwner }, ...people];
}

export type DealOwnerSelectProps = Omit<SelectProps, 'data' | 'value' | 'onChange' | 'allowDeselect'> & {
  value: string | null;
  /** `null` = no owner. */
  onChange: (ownerId: string | null) => void;
};

/** A deal's owner (lead): a sales agent or nobody. Only administrators may set it, so only they get this. */
export function DealOwnerSelect({ value, onChange, ...props }: DealOwnerSelectProps) {
  const t = useTranslations('deals');
  const tc = useTranslations('common');
  const directory = useUserDirectory();
  const data = useMemo(
    () => ownerOptions(directory.data ?? [], value, { noOwner: t('noOwner'), unknown: tc('notSet') }),
    [directory.data, value, t, tc],
  );
  return (
    <Select
      searchable
      comboboxProps={{ withinPortal: true }}
      {...props}
      data={data}
      value={value ?? NO_OWNER}
      onChange={(next) => {
        if (next !== null) onChange(next === NO_OWNER ? null : next);
      }}
      allowDeselect={false}
    />
  );
}
