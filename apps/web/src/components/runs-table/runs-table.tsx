'use client';
/** The leaderboard: every run, filtered and sorted, live while runs are queued or training. */
import { NoTrainerNotice } from './no-trainer-notice.tsx';
import type { Filters } from './run-columns.ts';
import { RunsFilters } from './runs-filters.tsx';
import { RunsTableContent } from './runs-table-content.tsx';
import { useRunsTable } from './use-runs-table.ts';

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
