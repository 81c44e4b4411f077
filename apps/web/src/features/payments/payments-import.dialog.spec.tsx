import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { problem, renderWithProviders, testApi } from '@/test/render';
import { importPercent, PaymentsImportDialog } from './payments-import.dialog';

const CSV = [
  'policy_number;payment_sequence;direction;amount;category;posted_at',
  'ОСАГО-1;1;income;1500.00;premium;2026-01-10',
  'ОСАГО-1;1;income;150.00;commission;2026-01-12',
  'КАСКО-7;2;expense;50.00;colleague_payout;2026-01-15',
  'КАСКО-7;2;income;1e3;premium;2026-01-15',
].join('\n');

/** An NDJSON answer whose lines the test releases one by one. */
function controlledAnswer() {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson' } }),
    send: (line: object) => controller?.enqueue(encoder.encode(`${JSON.stringify(line)}\n`)),
    end: () => controller?.close(),
  };
}

function ndjson(lines: object[]): Response {
  return new Response(lines.map((line) => `${JSON.stringify(line)}\n`).join(''), {
    status: 200,
    headers: { 'content-type': 'application/x-ndjson' },
  });
}

const CLEAN = { type: 'result', mode: 'dry-run', rows: 4, written: false, incomes: 3, expenses: 1, payments: 2 };
const REPORT = {
  type: 'report',
  mode: 'dry-run',
  rows: 4,
  written: false,
  errors: [
    { line: 5, column: 'amount', code: 'invalid_amount', message: 'must be a decimal amount' },
    { line: 5, column: 'category', code: 'validation_error', message: 'Must be 1–64 characters.' },
  ],
  errorCount: 2,
  truncated: false,
};

async function pickFile(user: ReturnType<typeof userEvent.setup>) {
  const input = document.querySelector('input[type="file"]') as HTMLInputElement;
  await user.upload(input, new File([CSV], 'lines.csv', { type: 'text/csv' }));
  expect(await screen.findByText('lines.csv: 4 строки')).toBeInTheDocument();
}

function setup(fetch: typeof globalThis.fetch) {
  const api = testApi(() => problem(404, 'not_found'));
  renderWithProviders(<PaymentsImportDialog opened onClose={vi.fn()} fetch={fetch} />, { api });
  return userEvent.setup();
}

describe('PaymentsImportDialog', () => {
  it('draws the progress bar from the progress lines and allows apply only after a clean check', async () => {
    const answer = controlledAnswer();
    const fetch = vi.fn(async () => answer.response);
    const user = setup(fetch);
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();
    await pickFile(user);
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    answer.send({ type: 'progress', rows: 2 });
    const bar = await screen.findByRole('progressbar', { name: 'Ход обработки файла' });
    await vi.waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '50'));
    expect(screen.getByText('Проверка: 2 из 4')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();

    answer.send(CLEAN);
    answer.end();
    expect(await screen.findByText('Ошибок нет')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeEnabled();

    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(new URL(url).pathname).toBe('/api/v1/crm/payments/import');
    expect(new URL(url).searchParams.get('mode')).toBe('dry-run');
    expect(new Headers(init.headers).get('content-type')).toBe('text/csv');
    expect(await (init.body as Blob).text()).toBe(CSV);
  });

  it('lists every refused row and keeps apply disabled', async () => {
    const user = setup(vi.fn(async () => ndjson([{ type: 'progress', rows: 4 }, REPORT])));
    await pickFile(user);
    await user.click(screen.getByRole('button', { name: 'Проверить' }));

    const table = await screen.findByRole('table', { name: 'Ошибки в строках файла' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      [
        '5',
        'amount',
        'Сумма должна быть положительным числом с точкой и не более чем двумя знаками после неё, например 1500.00 (invalid_amount)',
      ],
      ['5', 'category', 'Must be 1–64 characters. (validation_error)'],
    ]);
    expect(screen.getByText('2 ошибки в файле')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();
  });

  it('applies the checked file and reports what was written', async () => {
    const fetch = vi.fn(async (url: string) =>
      new URL(url).searchParams.get('mode') === 'apply'
        ? ndjson([
            { type: 'progress', rows: 4 },
            { ...CLEAN, mode: 'apply', written: true },
          ])
        : ndjson([CLEAN]),
    );
    const user = setup(fetch as unknown as typeof globalThis.fetch);
    await pickFile(user);
    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    await screen.findByText('Ошибок нет');
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));

    expect(await screen.findByText('Загружено')).toBeInTheDocument();
    expect(fetch.mock.calls.map(([url]) => new URL(url).searchParams.get('mode'))).toEqual(['dry-run', 'apply']);
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();
  });

  it('says when the file is over the size limit', async () => {
    const user = setup(vi.fn(async () => ndjson([{ type: 'error', code: 'payload_too_large', message: 'too big' }])));
    await pickFile(user);
    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    expect(await screen.findByText('Файл слишком большой.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Загрузить' })).toBeDisabled();
  });
});

describe('importPercent', () => {
  it('never passes 100 and is 0 without a row count', () => {
    expect(importPercent(3, 4)).toBe(75);
    expect(importPercent(9, 4)).toBe(100);
    expect(importPercent(3, null)).toBe(0);
  });
});
