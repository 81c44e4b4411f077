'use client';

import { Button, Group } from '@mantine/core';
import { PAYMENT_EXPORT_FORMATS } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useApiClient } from '@/lib/api';
import { type PaymentFilters, paymentsExportUrl } from '@/lib/queries/payments-list.queries';

/** CSV / XLSX of the filtered list: plain links, the session cookie goes along. */
export function PaymentsExportLinks({ filters }: { filters: PaymentFilters }) {
  const t = useTranslations('paymentsList');
  const client = useApiClient();
  return (
    <Group gap="xs" role="group" aria-label={t('export.label')}>
      {PAYMENT_EXPORT_FORMATS.map((format) => {
        const href = paymentsExportUrl(client, filters, format);
        return href ? (
          <Button key={format} component="a" href={href} variant="default" size="sm" download>
            {t(`export.${format}`)}
          </Button>
        ) : (
          <Button key={format} variant="default" size="sm" disabled>
            {t(`export.${format}`)}
          </Button>
        );
      })}
    </Group>
  );
}
