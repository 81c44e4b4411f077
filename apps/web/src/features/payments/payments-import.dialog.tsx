'use client';

import { Alert, Button, FileButton, Group, Modal, Progress, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  type ImportLine,
  type ImportReportLine,
  type ImportResultLine,
  PAYMENT_IMPORT_COLUMNS,
  type PaymentImportMode,
} from '@polis/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import { isApiError, useApiClient } from '@/lib/api';
import { isOneOf } from '@/lib/format';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { countCsvRows, runPaymentsImport } from '@/lib/queries/payments-list.queries';
import { queryKeys } from '@/lib/queries/query-keys';

export interface PaymentsImportDialogProps {
  opened: boolean;
  onClose: () => void;
  /** Tests pass a fake fetch; the page's fetch otherwise. */
  fetch?: typeof fetch;
}

/** Row error codes of the import the catalogue explains; others show the server's words. */
const KNOWN_CODES = [
  'invalid_amount',
  'amount_out_of_range',
  'invalid_date',
  'invalid_direction',
  'invalid_sequence',
  'posted_at_in_future',
  'unsupported_currency',
  'currency_mismatch',
  'payment_cancelled',
  'payment_not_found',
  'policy_not_found',
  'column_count',
  'missing_column',
  'missing_header',
  'unknown_column',
  'duplicate_column',
  'malformed_csv',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: string): code is KnownCode {
  return isOneOf(KNOWN_CODES, code);
}

interface Running {
  mode: PaymentImportMode;
  rows: number;
}

/** 0–100 from the rows processed so far and the rows the file holds (an estimate: quoted newlines). */
export function importPercent(rows: number, total: number | null): number {
  if (!total || total <= 0) return 0;
  return Math.min(100, Math.round((rows / total) * 100));
}

/**
 * CSV import of payment lines: pick a file, check it (dry run: a table of every refused row), then
 * apply — only after a clean check of this very file. Both runs show a progress bar fed by the
 * server's progress lines.
 */
export function PaymentsImportDialog({ opened, onClose, fetch }: PaymentsImportDialogProps) {
  const t = useTranslations('paymentsImport');
  const client = useApiClient();
  const queryClient = useQueryClient();
  const narrow = useMediaQuery('(max-width: 48em)');
  const { describe } = useErrorMessages();
  const [file, setFile] = useState<File | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const [checked, setChecked] = useState<ImportResultLine | null>(null);
  const [report, setReport] = useState<ImportReportLine | null>(null);
  const [applied, setApplied] = useState<ImportResultLine | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const clear = () => {
    abort.current?.abort();
    setFile(null);
    setTotal(null);
    setRunning(null);
    setChecked(null);
    setReport(null);
    setApplied(null);
    setError(null);
  };

  const pick = (picked: File | null) => {
    setFile(picked);
    setTotal(null);
    setChecked(null);
    setReport(null);
    setApplied(null);
    setError(null);
    if (picked) void countCsvRows(picked).then(setTotal, () => setTotal(null));
  };

  const explain = (code: string, message: string) => {
    if (code === 'payload_too_large') return t('errors.tooLarge');
    return message || t('errors.failed');
  };

  const run = async (mode: PaymentImportMode) => {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setRunning({ mode, rows: 0 });
    setError(null);
    setReport(null);
    if (mode === 'dry-run') setChecked(null);
    let finished = false;
    const onLine = (line: ImportLine) => {
      switch (line.type) {
        case 'progress':
          setRunning({ mode, rows: line.rows });
          return;
        case 'result':
          finished = true;
          if (mode === 'dry-run') setChecked(line);
          else setApplied(line);
          return;
        case 'report':
          finished = true;
          setChecked(null);
          setReport(line);
          return;
        case 'error':
          finished = true;
          setChecked(null);
          setError(explain(line.code, line.message));
          return;
      }
    };
    try {
      await runPaymentsImport({ client, file, mode, onLine, signal: controller.signal, fetch });
      if (!finished) setError(t('errors.interrupted'));
    } catch (cause) {
      if (controller.signal.aborted) return;
      setChecked(null);
      setError(isApiError(cause) && cause.status === 413 ? t('errors.tooLarge') : describe(cause));
    } finally {
      if (abort.current === controller) abort.current = null;
      setRunning(null);
      if (mode === 'apply') await queryClient.invalidateQueries({ queryKey: queryKeys.paymentsList });
      if (mode === 'apply') await queryClient.invalidateQueries({ queryKey: queryKeys.deals });
    }
  };

  const busy = running !== null;
  const applying = running?.mode === 'apply';
  const canApply = Boolean(file && checked && !applied && !busy);
  const percent = running ? importPercent(running.rows, total) : 0;

  return (
    <Modal
      opened={opened}
      // An apply in flight is not interrupted: the server may commit it all the same.
      onClose={applying ? () => undefined : onClose}
      closeOnEscape={!applying}
      closeOnClickOutside={!applying}
      withCloseButton={!applying}
      onExitTransitionEnd={clear}
      title={t('title')}
      size="xl"
      fullScreen={narrow}
    >
      <Stack gap="md">
        <Text size="sm">{t('intro')}</Text>
        <Text size="xs" c="dimmed">
          {t('columns', { columns: PAYMENT_IMPORT_COLUMNS.join(';') })}
        </Text>
        <Group gap="sm" wrap="wrap">
          <FileButton onChange={pick} accept=".csv,text/csv">
            {(props) => (
              <Button {...props} variant="default" disabled={busy}>
                {file ? t('changeFile') : t('chooseFile')}
              </Button>
            )}
          </FileButton>
          {file && (
            <Text size="sm" role="status">
              {total === null ? file.name : t('fileInfo', { name: file.name, rows: total })}
            </Text>
          )}
        </Group>

        {running && (
          <Stack gap={4}>
            <Text size="sm">
              {running.mode === 'dry-run'
                ? t('checking', { rows: running.rows, total: total ?? 0 })
                : t('applying', { rows: running.rows, total: total ?? 0 })}
            </Text>
            <Progress value={percent} animated aria-label={t('progress')} />
          </Stack>
        )}

        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}

        {checked && !applied && (
          <Alert color="green" variant="light" role="status" title={t('cleanTitle')}>
            {t('clean', {
              rows: checked.rows,
              incomes: checked.incomes,
              expenses: checked.expenses,
              payments: checked.payments,
            })}
          </Alert>
        )}

        {applied && (
          <Alert color="green" variant="light" role="status" title={t('appliedTitle')}>
            {t('applied', {
              rows: applied.rows,
              incomes: applied.incomes,
              expenses: applied.expenses,
              payments: applied.payments,
            })}
          </Alert>
        )}

        {report && (
          <Stack gap="xs">
            <Alert color="orange" variant="light" role="alert" title={t('reportTitle', { count: report.errorCount })}>
              {report.mode === 'apply' ? t('reportApply') : t('reportDryRun')}
              {report.truncated && ` ${t('reportTruncated', { shown: report.errors.length })}`}
            </Alert>
            <ScrollArea.Autosize mah={320}>
              <Table striped withTableBorder aria-label={t('reportTable')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('line')}</Table.Th>
                    <Table.Th scope="col">{t('column')}</Table.Th>
                    <Table.Th scope="col">{t('reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {report.errors.map((row) => (
                    <Table.Tr key={`${row.line}|${row.column ?? ''}|${row.code}|${row.message}`}>
                      <Table.Td>{row.line}</Table.Td>
                      <Table.Td>{row.column ?? '—'}</Table.Td>
                      <Table.Td>
                        {isKnownCode(row.code) ? t(`codes.${row.code}`) : row.message}
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({row.code})
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          </Stack>
        )}

        <Group justify="flex-end" gap="sm" wrap="wrap">
          {busy ? (
            <Button variant="default" onClick={() => abort.current?.abort()} disabled={applying}>
              {t('stop')}
            </Button>
          ) : (
            <Button variant="default" onClick={onClose}>
              {applied ? t('done') : t('close')}
            </Button>
          )}
          <Button
            variant="light"
            onClick={() => void run('dry-run')}
            disabled={!file || busy || Boolean(applied)}
            loading={running?.mode === 'dry-run'}
          >
            {t('check')}
          </Button>
          <Button onClick={() => void run('apply')} disabled={!canApply} loading={running?.mode === 'apply'}>
            {t('apply')}
          </Button>
        </Group>
        {!canApply && file && !checked && !applied && !busy && (
          <Text size="xs" c="dimmed" ta="right">
            {t('applyHint')}
          </Text>
        )}
      </Stack>
    </Modal>
  );
}
