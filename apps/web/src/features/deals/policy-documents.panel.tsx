'use client';

import { Button, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { DocumentInfo, PolicyDocument } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useCallback, useId, useState } from 'react';
import { LoadError } from '@/components/load-error';
import { DocumentDownloadButton, DocumentSummary, isDownloadable } from '@/features/documents/document-summary';
import { isApiError } from '@/lib/api';
import { isOneOf } from '@/lib/format';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useDocument, useDocuments } from '@/lib/queries/documents.queries';
import { useLinkPolicyDocument, usePolicyDocuments, useUnlinkPolicyDocument } from '@/lib/queries/policies.queries';

const LINK_REFUSALS = [
  'document_already_linked',
  'document_not_found',
  'document_not_linked',
  'policy_not_found',
] as const;
type LinkRefusal = (typeof LINK_REFUSALS)[number];

function isLinkRefusal(code: string): code is LinkRefusal {
  return isOneOf(LINK_REFUSALS, code);
}

/** The linked documents' refusals in words; everything else as every screen says it. */
function useLinkError() {
  const t = useTranslations('policyDocuments.errors');
  const { describe } = useErrorMessages();
  return useCallback(
    (error: unknown): string => (isApiError(error) && isLinkRefusal(error.code) ? t(error.code) : describe(error)),
    [t, describe],
  );
}

/**
 * The documents linked to one policy (the links live in CRM, the files in Documents): download,
 * unlink, and link another uploaded document of the deal folder.
 */
export function PolicyDocumentsPanel({ dealId, policyId }: { dealId: string; policyId: string }) {
  const t = useTranslations('policyDocuments');
  const { describe } = useErrorMessages();
  const linkError = useLinkError();
  const headingId = useId();
  const links = usePolicyDocuments(policyId);
  // The same list (and cache entry) as the deal's documents tab.
  const dealDocuments = useDocuments('deal', dealId);
  const link = useLinkPolicyDocument(policyId);
  const unlink = useUnlinkPolicyDocument(policyId);
  const [selected, setSelected] = useState<string | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);

  const linkedIds = new Set((links.data ?? []).map((entry) => entry.documentId));
  const candidates = (dealDocuments.data ?? []).filter((doc) => isDownloadable(doc) && !linkedIds.has(doc.id));
  const inFolder = new Map((dealDocuments.data ?? []).map((doc) => [doc.id, doc]));

  const submitLink = () => {
    const chosen = candidates.find((doc) => doc.id === selected);
    if (!chosen) return;
    setPickError(null);
    link.mutate(chosen.id, {
      onSuccess: () => {
        setSelected(null);
        notifications.show({ color: 'green', message: t('linked', { name: chosen.name }) });
      },
      onError: (error) => setPickError(linkError(error)),
    });
  };

  const remove = (entry: PolicyDocument, name: string) =>
    unlink.mutate(entry.documentId, {
      onSuccess: () => notifications.show({ message: t('unlinked', { name }) }),
      onError: (error) => notifications.show({ color: 'red', title: t('unlinkFailed'), message: linkError(error) }),
    });

  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={3} size="h5" id={headingId}>
        {t('title')}
      </Title>
      {links.isPending && <Loader size="sm" aria-label={t('loading')} />}
      {links.isError && (
        <LoadError
          title={t('loadFailed')}
          message={describe(links.error)}
          retryLabel={t('retry')}
          onRetry={() => links.refetch()}
        />
      )}
      {links.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('empty')}
        </Text>
      )}
      {links.data && links.data.length > 0 && (
        <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {links.data.map((entry) => (
            <LinkedDocument
              key={entry.id}
              entry={entry}
              known={inFolder.get(entry.documentId)}
              // The folder list decides whether a document is outside it; until then nothing is fetched twice.
              lookUp={!dealDocuments.isPending}
              unlinking={unlink.isPending && unlink.variables === entry.documentId}
              onUnlink={remove}
            />
          ))}
        </Stack>
      )}
      {links.data && (
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label={t('pick')}
            placeholder={t('pickPlaceholder')}
            data={candidates.map((doc) => ({ value: doc.id, label: doc.name }))}
            value={selected}
            onChange={(value) => {
              setSelected(value);
              setPickError(null);
            }}
            searchable
            disabled={dealDocuments.isPending || candidates.length === 0}
            description={dealDocuments.data && candidates.length === 0 ? t('noCandidates') : undefined}
            error={
              pickError ?? (dealDocuments.isError ? `${t('candidatesFailed')}: ${describe(dealDocuments.error)}` : null)
            }
            w={{ base: '100%', xs: 320 }}
            comboboxProps={{ withinPortal: true }}
          />
          <Button disabled={!selected} loading={link.isPending} onClick={submitLink}>
            {t('linkButton')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function LinkedDocument({
  entry,
  known,
  lookUp,
  unlinking,
  onUnlink,
}: {
  entry: PolicyDocument;
  /** The document as the deal folder lists it, when it is there. */
  known: DocumentInfo | undefined;
  lookUp: boolean;
  unlinking: boolean;
  onUnlink: (entry: PolicyDocument, name: string) => void;
}) {
  const t = useTranslations('policyDocuments');
  const { describe } = useErrorMessages();
  const fetched = useDocument(entry.documentId, { enabled: lookUp && !known });
  const doc = known ?? fetched.data;
  const gone = !doc && isApiError(fetched.error) && fetched.error.status === 404;
  const name = doc?.name ?? t('unavailable');

  return (
    <Paper component="li" withBorder p="xs" radius="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
          {doc ? (
            <DocumentSummary document={doc} />
          ) : (
            <Text size="sm" c={fetched.isError ? 'red' : 'dimmed'}>
              {gone ? t('unavailable') : fetched.isError ? describe(fetched.error) : t('documentLoading')}
            </Text>
          )}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {doc && <DocumentDownloadButton document={doc} />}
          <Button
            size="xs"
            variant="subtle"
            color="red"
            loading={unlinking}
            onClick={() => onUnlink(entry, name)}
            aria-label={t('unlinkNamed', { name })}
          >
            {t('unlink')}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
