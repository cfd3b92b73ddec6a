/** The leaderboard's state: its queries, the filters, the sort and the runs ticked for comparison. */
import { isActiveRunStatus } from '@convlab/core/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import type { Filters } from './run-columns.ts';
import { sortRuns, type Sort } from './sort-runs.ts';

/** The runs (polled faster while any is moving), the filters' options, the tags and the workers. */
function useRunsQueries(filters: Filters) {
  const trpc = useTRPC();
  const runs = useQuery(
    trpc.runs.list.queryOptions(filters, {
      placeholderData: keepPreviousData,
      // Live while anything is moving; slower when the board is idle.
      refetchInterval: (query) =>
        query.state.data?.runs.some((run) => isActiveRunStatus(run.status)) ? 1500 : 8000,
    }),
  );
  const options = useQuery(
    trpc.runs.filterOptions.queryOptions(undefined, { refetchInterval: 15_000 }),
  );
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 5000 }));
  const tags = useQuery(trpc.runs.tags.queryOptions(undefined, { refetchInterval: 15_000 }));
  return { runs, options, workers, tags };
}

/** The filters picked: a key per chosen filter, removed again by "any" (''). */
function useFilters(initialFilters: Filters) {
  const [filters, setFilters] = useState<Filters>(initialFilters);

  function setFilter<K extends keyof Filters>(key: K, value: Filters[K] | '') {
    setFilters((current) => {
      const next = { ...current };
      if (value === '' || value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  }

  return { filters, setFilter, clearFilters: () => setFilters({}) };
}

/** The sorted column: a click sorts by it descending, a second click flips the direction. */
function useSort() {
  const [sort, setSort] = useState<Sort>({ key: 'createdAt', descending: true });

  function toggleSort(key: string) {
    setSort((current) => ({ key, descending: current.key === key ? !current.descending : true }));
  }

  return { sort, toggleSort };
}

/** The runs ticked for comparison: the last four ticked. */
function useSelection() {
  const [selected, setSelected] = useState<string[]>([]);

  function toggleSelected(id: string) {
    setSelected((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-4),
    );
  }

  return { selected, toggleSelected };
}

export function useRunsTable(initialFilters: Filters) {
  const { filters, setFilter, clearFilters } = useFilters(initialFilters);
  const { sort, toggleSort } = useSort();
  const { selected, toggleSelected } = useSelection();
  const { runs, options, workers, tags } = useRunsQueries(filters);

  const now = runs.data?.now ?? new Date();
  const sorted = useMemo(() => sortRuns(runs.data?.runs ?? [], sort, now), [runs.data, sort, now]);
  const queuedCount = runs.data?.runs.filter((run) => run.status === 'queued').length ?? 0;
  const noTrainer = workers.data !== undefined && workers.data.workers.length === 0;

  return {
    runs,
    filterOptions: options.data,
    tagOptions: tags.data?.tags,
    filters,
    setFilter,
    clearFilters,
    sort,
    toggleSort,
    selected,
    toggleSelected,
    now,
    sorted,
    queuedCount,
    noTrainer,
  };
}

export type RunsTableState = ReturnType<typeof useRunsTable>;
