'use client';

import { Button, Text } from '@mantine/core';
import type { DocumentInfo } from '@polis/contracts';
import { useLocale, useTranslations } from 'next-intl';
import { formatDateTime } from '@/lib/format';
import type { AppLocale } from '@/lib/i18n/locales';
import { useDocumentsApi } from '@/lib/queries/documents.queries';
import { formatFileSize } from './file-size';

/** A file whose bytes have arrived: it can be downloaded (and linked to a policy). */
export function isDownloadable(document: DocumentInfo): boolean {
  return document.status === 'uploaded' || document.status === 'synced';
}

/** A document's name over its size and upload time, as every document list shows it. */
export function DocumentSummary({ document }: { document: DocumentInfo }) {
  const locale = useLocale() as AppLocale;
  return (
    <>
      <Text size="sm" fw={500} truncate>
        {document.name}
      </Text>
      <Text size="xs" c="dimmed">
        {[
          document.size !== null ? formatFileSize(document.size, locale) : null,
          formatDateTime(document.uploadedAt ?? document.createdAt, locale),
        ]
          .filter(Boolean)
          .join(' · ')}
      </Text>
    </>
  );
}

/** The download link of an uploaded document (a short-lived signed link behind the Gateway); nothing otherwise. */
export function DocumentDownloadButton({ document }: { document: DocumentInfo }) {
  const t = useTranslations('documents');
  const api = useDocumentsApi();
  if (!isDownloadable(document)) return null;
  return (
    <Button
      component="a"
      href={api.downloadUrl(document.id)}
      size="xs"
      variant="light"
      aria-label={t('downloadNamed', { name: document.name })}
    >
      {t('download')}
    </Button>
  );
}
