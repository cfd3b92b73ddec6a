'use client';
/** The leaderboard: every run, filtered and sorted, live while runs are queued or training. */
import { NoTrainerNotice } from './runs-table/no-trainer-notice.tsx';
import type { Filters } from './runs-table/run-columns.ts';
import { RunsFilters } from './runs-table/runs-filters.tsx';
import { RunsTableContent } from './runs-table/runs-table-content.tsx';
import { useRunsTable } from './runs-table/use-runs-table.ts';

export function RunsTable({ initialFilters }: { initialFilters: Filters }) {
  const table = useRunsTable(initialFilters);
  return (
    <>
      {table.noTrainer && table.queuedCount > 0 && (
        <NoTrainerNotice queuedCount={table.queuedCount} />
      )}
      <div className="panel">
        <RunsFilters
          filters={table.filters}
          options={table.filterOptions}
          tags={table.tagOptions}
          setFilter={table.setFilter}
          selected={table.selected}
        />
        <RunsTableContent table={table} />
      </div>
    </>
  );
}
