import { describe, expect, it } from 'vitest';
import { RUN_CSV_COLUMNS, runsToCsv, type RunListItem } from '../src/index.ts';

const run = (fields: Partial<RunListItem>): RunListItem =>
  ({
    ...Object.fromEntries(RUN_CSV_COLUMNS.map((column) => [column, null])),
    id: 'r1',
    name: 'seed-cnn on cifar10',
    status: 'completed',
    preset: 'seed-cnn',
    presetVersion: 1,
    dataset: 'cifar10',
    priority: 0,
    attempts: 1,
    createdAt: new Date('2026-12-03T08:00:00.000Z'),
    tags: [],
    ...fields,
  }) as RunListItem;

describe('runsToCsv', () => {
  it('writes a header and one RFC 4180 row per run', () => {
    const csv = runsToCsv([run({ testAcc: 0.72, bestValAcc: 0.7 })]);
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe(RUN_CSV_COLUMNS.join(','));
    const cells = row?.split(',') ?? [];
    expect(cells[RUN_CSV_COLUMNS.indexOf('testAcc')]).toBe('0.72');
    expect(cells[RUN_CSV_COLUMNS.indexOf('createdAt')]).toBe('2026-12-03T08:00:00.000Z');
    expect(cells[RUN_CSV_COLUMNS.indexOf('startedAt')]).toBe('');
    expect(end).toBe('');
  });

  it('writes tags space-separated', () => {
    const [, row] = runsToCsv([run({ tags: ['baseline', 'lab'] })]).split('\r\n');
    expect(row?.split(',')[RUN_CSV_COLUMNS.indexOf('tags')]).toBe('baseline lab');
  });

  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const csv = runsToCsv([
      run({ name: 'a, "b"\nc', error: '=HYPERLINK("http://x")', groupId: '-1+2' }),
    ]);
    expect(csv).toContain('"a, ""b""\nc"');
    expect(csv).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(csv).toContain(",'-1+2,");
  });
});
