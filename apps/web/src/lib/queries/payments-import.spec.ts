import { describe, expect, it } from 'vitest';
import { countCsvRows, readImportLines } from './payments-list.queries';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('readImportLines', () => {
  it('hands over each NDJSON line, also when lines are split across chunks', async () => {
    const lines: unknown[] = [];
    await readImportLines(
      streamOf([
        '{"type":"progress","rows":500}\n{"type":"prog',
        'ress","rows":1000}\n',
        '{"type":"result","mode":"dry-run","rows":1200,"written":false,"incomes":1000,"expenses":200,"payments":40}',
      ]),
      (line) => lines.push(line),
    );
    expect(lines).toEqual([
      { type: 'progress', rows: 500 },
      { type: 'progress', rows: 1000 },
      { type: 'result', mode: 'dry-run', rows: 1200, written: false, incomes: 1000, expenses: 200, payments: 40 },
    ]);
  });

  it('refuses an answer that is not an import line', async () => {
    await expect(readImportLines(streamOf(['{"type":"surprise"}\n']), () => undefined)).rejects.toMatchObject({
      code: 'invalid_import_answer',
    });
  });
});

describe('countCsvRows', () => {
  it('counts the data rows after the header, skipping blank lines and tolerating CRLF', async () => {
    const csv = 'policy_number;payment_sequence\r\nP-1;1\r\n\r\nP-1;2\r\nP-2;1';
    expect(await countCsvRows(new Blob([csv]))).toBe(3);
    expect(await countCsvRows(new Blob(['policy_number\n']))).toBe(0);
    expect(await countCsvRows(new Blob([]))).toBe(0);
  });
});
