/** Plain-text output for the terminal: tables, percentages, and text made safe to print. */

/**
 * Text safe for a terminal: control characters (escape sequences, bells, carriage returns) in names or
 * messages someone else typed are shown as \u00XX, never interpreted.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Left-aligned table; every cell is made printable first. */
export function formatTable(header: string[], rows: string[][]): string {
  const safe = rows.map((row) => row.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...safe.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...safe.map(line)].join('\n');
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}
