'use client';
/** The compared runs' configurations, parameter by parameter; by default only those that differ. */
import { useState } from 'react';
import { colourOf, runLabel, runTitle, type ComparedRun } from './compared-run.ts';

interface ConfigRow {
  key: string;
  values: string[];
  differs: boolean;
}

/** Every config key any run has, with each run's value as JSON ('–' where a run lacks it). */
function configRows(runs: ComparedRun[]): ConfigRow[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.config ?? {})))];
  return keys.map((key) => {
    const values = runs.map((run) => {
      const value = ((run.config ?? {}) as Record<string, unknown>)[key];
      return value === undefined ? '–' : JSON.stringify(value);
    });
    return { key, values, differs: new Set(values).size > 1 };
  });
}

export function ConfigDiff({ runs }: { runs: ComparedRun[] }) {
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const rows = configRows(runs);
  const shown = onlyDifferences ? rows.filter((row) => row.differs) : rows;
  return (
    <>
      <label className="small">
        <input
          type="checkbox"
          checked={onlyDifferences}
          onChange={(e) => setOnlyDifferences(e.target.checked)}
        />{' '}
        only parameters that differ ({rows.filter((row) => row.differs).length} of {rows.length})
      </label>
      {/* Fixed layout, values wrapped: every run's column shows without scrolling sideways. */}
      <table className="data config-diff" data-testid="config-diff">
        <colgroup>
          <col className="parameter-col" />
          {runs.map((run) => (
            <col key={run.id} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th>Parameter</th>
            {runs.map((run, i) => (
              <th key={run.id} data-run-column={run.id} title={runTitle(run)}>
                <span className="swatch" style={{ background: colourOf(i) }} />
                {runLabel(run)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key} className={row.differs ? 'differs' : undefined}>
              <td>{row.key}</td>
              {row.values.map((value, i) => (
                <td key={runs[i]?.id ?? i} className="mono">
                  {value}
                </td>
              ))}
            </tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={runs.length + 1} className="muted">
                Same configuration (differences come from randomness only).
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
