import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  checkRow,
  csvRecords,
  FileTooLarge,
  importDate,
  MalformedCsv,
  readHeader,
  sniffDelimiter,
} from './payment-import-rows.js';

async function records(text: string, maxBytes = 1024 * 1024) {
  const out: Array<{ line: number; fields: string[] }> = [];
  for await (const record of csvRecords(Readable.from([Buffer.from(text)]), maxBytes)) out.push(record);
  return out;
}

describe('import rows', () => {
  it('takes the delimiter from the header, strips the BOM and skips blank lines', async () => {
    expect(sniffDelimiter(Buffer.from('a;b,c\n1,2'))).toBe(';');
    expect(sniffDelimiter(Buffer.from('a,b\n1;2'))).toBe(',');
    expect(await records('\uFEFFa;b\r\n1;"2;3"\r\n\r\n;\r\n4;5')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2;3'] },
      { line: 5, fields: ['4', '5'] },
    ]);
  });

  it('stops at the size limit and names a broken quote', async () => {
    await expect(records('a;b\n1;2\n', 4)).rejects.toBeInstanceOf(FileTooLarge);
    await expect(records('a;b\n"1;2\n')).rejects.toBeInstanceOf(MalformedCsv);
  });

  it('reads ISO and Russian dates that exist', () => {
    expect(importDate('2025-02-28')).toBe('2025-02-28');
    expect(importDate('28.02.2025')).toBe('2025-02-28');
    expect(importDate('29.02.2025')).toBeUndefined();
    expect(importDate('2025-2-1')).toBeUndefined();
  });

  it('checks each field of a row', () => {
    const header = readHeader(['Policy_Number', 'payment_sequence', 'direction', 'amount', 'category', 'posted_at']);
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(checkRow(2, ['P-1', '1', 'Расход', '10.5', 'discount', '01.01.2025'], header.header, '2025-06-01')).toEqual({
      ok: true,
      row: {
        line: 2,
        policyNumber: 'P-1',
        sequence: 1,
        direction: 'expenses',
        amount: '10.5',
        currency: 'RUB',
        category: 'discount',
        postedAt: '2025-01-01',
        note: null,
      },
    });
    for (const amount of ['1e3', '12.345', '-0', 'NaN', '1,5', '0', '', '0012']) {
      const checked = checkRow(3, ['P-1', '1', 'income', amount, 'x', '2025-01-01'], header.header, '2025-06-01');
      expect([amount, checked.ok ? [] : checked.errors.map((error) => error.code)]).toEqual([
        amount,
        ['invalid_amount'],
      ]);
    }
  });
});
