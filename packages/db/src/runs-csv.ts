/**
 * The leaderboard as CSV (RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line
 * breaks quoted, quotes doubled), one row per run, for spreadsheets and scripts (`convlab runs --csv`,
 * the dashboard's download). A text cell that a spreadsheet would run as a formula (starting with =,
 * +, -, @, tab or CR) is prefixed with ' so opening the file runs nothing.
 */
import type { Run } from './generated/prisma/client.ts';
import type { RunListItem } from './read-models.ts';
import type { SweepDetail } from './sweep-read-models.ts';

export const RUN_CSV_COLUMNS = [
  'id',
  'name',
  'status',
  'preset',
  'presetVersion',
  'dataset',
  'groupId',
  'priority',
  'attempts',
  'backend',
  'createdAt',
  'startedAt',
  'finishedAt',
  'currentEpoch',
  'totalEpochs',
  'bestEpoch',
  'bestValAcc',
  'finalTrainAcc',
  'finalValAcc',
  'testAcc',
  'testLoss',
  'macroF1',
  'paramCount',
  'trainSeconds',
  'sweepId',
  'rung',
  'tags',
  'note',
  'error',
  // Added last so scripts that read columns by position keep working.
  'backendDevice',
  'workers',
] as const satisfies readonly (keyof Run)[];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function runsToCsv(runs: RunListItem[]): string {
  const lines = [RUN_CSV_COLUMNS.join(',')];
  for (const run of runs)
    lines.push(
      RUN_CSV_COLUMNS.map((column) =>
        // Tags read better space-separated than as a list.
        csvCell(column === 'tags' ? run.tags.join(' ') : run[column]),
      ).join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

const SWEEP_CSV_COLUMNS = [
  'id',
  'name',
  'status',
  'rung',
  'epochsDone',
  'bestValAcc',
  'testAcc',
] as const;

/** A sweep's trials as CSV, best first: one column per swept param after the results. */
export function sweepToCsv(sweep: SweepDetail): string {
  const params = Object.keys(sweep.definition.space);
  const lines = [[...SWEEP_CSV_COLUMNS, ...params].join(',')];
  for (const trial of sweep.trials)
    lines.push(
      [
        ...SWEEP_CSV_COLUMNS.map((column) => csvCell(trial[column])),
        ...params.map((param) => csvCell(trial.params[param])),
      ].join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
