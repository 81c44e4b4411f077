'use client';

import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  DOCUMENT_TYPES,
  type DocumentInfo,
  type DocumentOwnerType,
  type DocumentStatus,
  type DocumentType,
} from '@polis/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { type DragEvent, useId, useRef, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm.dialog';
import { LoadError } from '@/components/load-error';
import { isApiError, useApiClient } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import {
  DOCUMENTS_PAGE_LIMIT,
  useDeleteDocument,
  useDocuments,
  useDocumentsApi,
  useFolder,
} from '@/lib/queries/documents.queries';
import { queryKeys } from '@/lib/queries/query-keys';
import { DocumentDownloadButton, DocumentSummary } from './document-summary';
import { type PutFile, type UploadPhase, uploadDocument } from './document-upload';

export interface DocumentsPanelProps {
  ownerType: DocumentOwnerType;
  ownerId: string;
  /** Tests replace the XMLHttpRequest upload and the hashing. */
  put?: PutFile;
  hash?: (file: File) => Promise<string>;
}

interface UploadItem {
  key: string;
  name: string;
  phase: UploadPhase;
  percent: number;
  error: string | null;
}

const STATUS_COLOR: Record<DocumentStatus, string> = {
  draft: 'gray',
  pending_upload: 'yellow',
  uploading: 'blue',
  uploaded: 'teal',
  synced: 'green',
  error: 'red',
};

type DocumentGroup = DocumentType | 'untyped';
const GROUPS: readonly DocumentGroup[] = [...DOCUMENT_TYPES, 'untyped'];

/**
 * The documents of a client, deal, policy or payment folder, grouped by type: upload (drop zone or
 * button, with progress), download, delete with confirmation.
 */
export function DocumentsPanel({ ownerType, ownerId, put, hash }: DocumentsPanelProps) {
  const t = useTranslations('documents');
  const client = useApiClient();
  const api = useDocumentsApi();
  const queryClient = useQueryClient();
  const { describe } = useErrorMessages();
  const documents = useDocuments(ownerType, ownerId);
  const folder = useFolder(ownerType, ownerId);
  const remove = useDeleteDocument(ownerType, ownerId);
  const inputRef = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const [documentType, setDocumentType] = useState<DocumentType>('other');
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const [toDelete, setToDelete] = useState<DocumentInfo | null>(null);

  const uploadError = (error: unknown): string => {
    if (isApiError(error)) {
      if (error.status === 413) return t('errors.tooLarge');
      if (error.status === 415) return t('errors.unsupportedType');
      if (error.status === 507) return t('errors.storageFull');
      if (error.code === 'empty_file') return t('errors.empty');
      if (error.status === 403 && error.code === 'invalid_upload_token') return t('errors.linkExpired');
      if (error.code === 'upload_conflict') return t('errors.conflict');
    }
    return describe(error);
  };

  const update = (key: string, patch: Partial<UploadItem>) =>
    setUploads((items) => items.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  const start = (files: readonly File[]) => {
    for (const file of files) {
      const key = `${file.name}-${file.size}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setUploads((items) => [...items, { key, name: file.name, phase: 'preparing', percent: 0, error: null }]);
      uploadDocument({
        api,
        apiBaseUrl: client.baseUrl,
        ownerType,
        ownerId,
        file,
        documentType,
        put,
        hash,
        onProgress: (progress) => update(key, progress),
      })
        .then((document) => {
          notifications.show({ color: 'green', message: t('uploaded', { name: document.name }) });
          setUploads((items) => items.filter((item) => item.key !== key));
        })
        .catch((error: unknown) => update(key, { phase: 'failed', error: uploadError(error) }))
        .finally(() => queryClient.invalidateQueries({ queryKey: queryKeys.documentsOf(ownerType, ownerId) }));
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    start(Array.from(event.dataTransfer.files));
  };

  const items = documents.data ?? [];
  const grouped = GROUPS.map((group) => ({
    group,
    docs: items.filter((doc) => (doc.metadata.documentType ?? 'untyped') === group),
  })).filter((entry) => entry.docs.length > 0);

  return (
    <Stack gap="sm" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" wrap="wrap">
        <Stack gap={0}>
          <Title order={2} size="h4" id={headingId}>
            {t('title')}
          </Title>
          {folder.data && (
            <Text size="xs" c="dimmed">
              {folder.data.publicUrl ? (
                <Anchor href={folder.data.publicUrl} target="_blank" rel="noreferrer" size="xs">
                  {t('folder', { path: folder.data.folderPath })}
                </Anchor>
              ) : (
                t('folder', { path: folder.data.folderPath })
              )}
            </Text>
          )}
        </Stack>
      </Group>

      <Paper
        withBorder
        p="md"
        radius="md"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="documents-dropzone"
        style={{
          borderStyle: 'dashed',
          background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
        }}
      >
        <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
          <Text size="sm" c="dimmed" maw={360}>
            {t('dropHint')}
          </Text>
          <Group gap="sm" align="flex-end" wrap="wrap">
            <Select
              label={t('type')}
              data={DOCUMENT_TYPES.map((value) => ({ value, label: t(`types.${value}`) }))}
              value={documentType}
              onChange={(value) => setDocumentType((value as DocumentType | null) ?? 'other')}
              allowDeselect={false}
              w={180}
              comboboxProps={{ withinPortal: true }}
            />
            <Button onClick={() => inputRef.current?.click()}>{t('choose')}</Button>
            <input
              ref={inputRef}
              type="file"
              multiple
              hidden
              aria-label={t('choose')}
              onChange={(event) => {
                start(Array.from(event.currentTarget.files ?? []));
                event.currentTarget.value = '';
              }}
            />
          </Group>
        </Group>
      </Paper>

      {uploads.length > 0 && (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('uploads')}>
          {uploads.map((item) => (
            <li key={item.key}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" truncate>
                  {item.name}
                </Text>
                {item.phase === 'failed' ? (
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={t('dismiss', { name: item.name })}
                    onClick={() => setUploads((all) => all.filter((entry) => entry.key !== item.key))}
                  >
                    ×
                  </ActionIcon>
                ) : (
                  <Text size="xs" c="dimmed">
                    {t(`phases.${item.phase}`)}
                  </Text>
                )}
              </Group>
              {item.phase === 'failed' ? (
                <Text size="sm" c="red" role="alert">
                  {item.error}
                </Text>
              ) : (
                <Progress
                  value={item.percent}
                  animated={item.phase === 'preparing' || item.phase === 'completing'}
                  aria-label={t('progress', { name: item.name })}
                />
              )}
            </li>
          ))}
        </Stack>
      )}

      {documents.isPending && <Loader size="sm" aria-label={t('loading')} />}
      {documents.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(documents.error)}
          retryLabel={t('retry')}
          onRetry={() => documents.refetch()}
        />
      )}
      {documents.data && items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('empty')}
        </Text>
      )}

      {grouped.map(({ group, docs }) => (
        <Stack key={group} gap={4}>
          <Text fw={600} size="sm">
            {group === 'untyped' ? t('types.untyped') : t(`types.${group}`)}
          </Text>
          <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {docs.map((doc) => (
              <Paper key={doc.id} component="li" withBorder p="xs" radius="sm">
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                    <DocumentSummary document={doc} />
                  </Stack>
                  <Group gap="xs" wrap="nowrap">
                    {doc.status !== 'synced' && doc.status !== 'uploaded' && (
                      <Badge size="sm" variant="light" color={STATUS_COLOR[doc.status]}>
                        {t(`statuses.${doc.status}`)}
                      </Badge>
                    )}
                    <DocumentDownloadButton document={doc} />
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setToDelete(doc)}
                      aria-label={t('deleteNamed', { name: doc.name })}
                    >
                      {t('delete')}
                    </Button>
                  </Group>
                </Group>
              </Paper>
            ))}
          </Stack>
        </Stack>
      ))}
      {items.length >= DOCUMENTS_PAGE_LIMIT && (
        <Text size="xs" c="dimmed">
          {t('truncated', { count: DOCUMENTS_PAGE_LIMIT })}
        </Text>
      )}

      <ConfirmDialog
        opened={toDelete !== null}
        title={t('deleteTitle')}
        text={toDelete ? t('deleteText', { name: toDelete.name }) : ''}
        confirmLabel={t('delete')}
        color="red"
        loading={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (!toDelete) return;
          const name = toDelete.name;
          remove.mutate(toDelete.id, {
            onSuccess: () => notifications.show({ message: t('deleted', { name }) }),
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: t('deleteFailed'),
                message:
                  isApiError(error) && error.code === 'already_deleted' ? t('errors.alreadyDeleted') : describe(error),
              }),
            onSettled: () => setToDelete(null),
          });
        }}
      />
    </Stack>
  );
}
