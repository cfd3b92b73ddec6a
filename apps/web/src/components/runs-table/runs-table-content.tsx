'use client';
/** Below the filters: loading, the error, an empty board (filtered or not), or the table of runs. */
import Link from 'next/link';
import { Empty, Loading, QueryError } from '../query-state.tsx';
import { RunsGrid } from './runs-grid.tsx';
import type { RunsTableState } from './use-runs-table.ts';

/**
 * No runs to show: a way to clear the filters, or how to queue a first run. (The hint's text is kept
 * as it was written, `on{' '}`: reflowed, it would render one text node fewer.)
 */
function NoRuns({ filtered, onClearFilters }: { filtered: boolean; onClearFilters: () => void }) {
  return filtered ? (
    <Empty title="No runs match these filters.">
      <p>
        <button type="button" onClick={onClearFilters}>
          Clear the filters
        </button>
      </p>
    </Empty>
  ) : (
    <Empty title="No runs yet.">
      {/* prettier-ignore */}
      <p>
        <Link href="/queue">Queue a run</Link> (try <code>tiny-cnn</code> on{' '}
        <code>synthetic</code>: it trains in seconds), or from a terminal:{' '}
        <code>npx convlab queue --preset tiny-cnn --dataset synthetic</code>
      </p>
    </Empty>
  );
}

export function RunsTableContent({ table }: { table: RunsTableState }) {
  const { runs, sorted } = table;
  if (runs.isPending) return <Loading what="runs" />;
  if (runs.isError)
    return <QueryError error={runs.error} what="the runs" onRetry={() => void runs.refetch()} />;
  if (sorted.length === 0)
    return (
      <NoRuns
        filtered={Object.keys(table.filters).length > 0}
        onClearFilters={table.clearFilters}
      />
    );
  return (
    <RunsGrid
      runs={sorted}
      now={table.now}
      sort={table.sort}
      onSort={table.toggleSort}
      selected={table.selected}
      onToggleSelected={table.toggleSelected}
    />
  );
}
