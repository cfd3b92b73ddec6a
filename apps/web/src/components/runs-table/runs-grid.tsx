'use client';
/** The leaderboard's table: a sortable header over one row per run. */
import { COLUMNS, type Column, type Run } from './run-columns.ts';
import { RunRow } from './run-row.tsx';
import type { Sort } from './sort-runs.ts';

/** A column's header: a button that sorts by it, marked (▾ ▴ and aria-sort) while it is the sort. */
function SortableHeader(props: { column: Column; sort: Sort; onSort: (key: string) => void }) {
  const { column, sort } = props;
  return (
    <th
      className={
        [column.numeric ? 'num' : '', column.optional ? 'optional-col' : ''].join(' ').trim() ||
        undefined
      }
      aria-sort={
        sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined
      }
    >
      <button type="button" className="sort" onClick={() => props.onSort(column.key)}>
        {column.label}
        {sort.key === column.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
      </button>
    </th>
  );
}

export function RunsGrid(props: {
  runs: Run[];
  now: Date;
  sort: Sort;
  onSort: (key: string) => void;
  selected: string[];
  onToggleSelected: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            <th aria-label="Select for comparison" />
            {COLUMNS.map((column) => (
              <SortableHeader
                key={column.key}
                column={column}
                sort={props.sort}
                onSort={props.onSort}
              />
            ))}
            <th className="actions-col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => (
            <RunRow
              key={run.id}
              run={run}
              now={props.now}
              selected={props.selected.includes(run.id)}
              onToggleSelected={props.onToggleSelected}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
