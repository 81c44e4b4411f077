'use client';

import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type DealsPage, dealsQuerySchema } from '@polis/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { useApiClient, validated } from '@/lib/api';
import { queryKeys } from '@/lib/queries/query-keys';

const LOOKUP_LIMIT = 20;

export interface DealPickerProps {
  value: string | null;
  onChange: (dealId: string | null) => void;
  error?: string;
  label?: string;
}

/** Finds a visible deal by its title (CRM's deal search) to link a task to it or filter by it. */
export function DealPicker({ value, onChange, error, label }: DealPickerProps) {
  const t = useTranslations('tasks');
  const client = useApiClient();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  // The chosen deal keeps its title even when a later search no longer lists it.
  const chosen = useRef<Map<string, string>>(new Map());
  const deals = useQuery({
    queryKey: queryKeys.dealsLookup(debounced),
    queryFn: ({ signal }) =>
      client.request<DealsPage>('GET', '/crm/deals', {
        query: validated(dealsQuerySchema, { search: debounced || undefined, limit: LOOKUP_LIMIT }),
        signal,
      }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  for (const deal of deals.data?.items ?? []) chosen.current.set(deal.id, deal.title);
  const options = [...chosen.current.entries()]
    .filter(([id]) => id === value || (deals.data?.items ?? []).some((deal) => deal.id === id))
    .map(([id, title]) => ({ value: id, label: title }));

  return (
    <Select
      label={label ?? t('fields.deal')}
      placeholder={t('dealPicker.placeholder')}
      searchable
      clearable
      data={options}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={deals.isFetching ? t('dealPicker.searching') : t('dealPicker.nothingFound')}
      error={error ?? (deals.isError ? t('dealPicker.loadFailed') : undefined)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
