'use client';
/**
 * The bar above the leaderboard: status, preset, dataset, group and tag filters, the CSV download of what
 * they show, and "Compare selected".
 */
import { RUN_STATUSES } from '@convlab/core/contracts';
import type { RouterOutputs } from '~/server/root.ts';
import { CompareSelected } from './compare-selected.tsx';
import { FilterSelect } from './filter-select.tsx';
import type { Filters } from './run-columns.ts';
import type { RunsTableState } from './use-runs-table.ts';

type FilterOptions = RouterOutputs['runs']['filterOptions'];
type TagOptions = RouterOutputs['runs']['tags']['tags'];

/** The tags in use, plus a tag named in the URL but not (yet) in use, so it stays selectable. */
function tagOptions(tag: string | undefined, tags: TagOptions | undefined) {
  return [
    ...(tag && !tags?.some((t) => t.tag === tag) ? [{ value: tag }] : []),
    ...(tags ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${t.runs})` })),
  ];
}

/** The listed groups, plus a group named in the URL but not (yet) listed, so it stays selectable. */
function groupOptions(groupId: string | undefined, options: FilterOptions | undefined) {
  return [
    ...(groupId && !options?.groups.some((g) => g.groupId === groupId) ? [{ value: groupId }] : []),
    ...(options?.groups ?? []).map((group) => ({
      value: group.groupId,
      label: `${group.groupId} (${group.runs} runs)`,
    })),
  ];
}

/** The CSV download of what the filters show (GET /api/runs.csv). */
function csvHref(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') params.set(key, value);
  }
  const query = params.toString();
  return query ? `/api/runs.csv?${query}` : '/api/runs.csv';
}

export function RunsFilters(props: {
  filters: Filters;
  options: FilterOptions | undefined;
  tags: TagOptions | undefined;
  setFilter: RunsTableState['setFilter'];
  selected: string[];
}) {
  const { filters, options, setFilter } = props;
  return (
    <div className="filters">
      <FilterSelect
        id="filter-status"
        label="Status"
        value={filters.status}
        options={RUN_STATUSES.map((status) => ({ value: status }))}
        onChange={(value) => setFilter('status', value as Filters['status'])}
      />
      <FilterSelect
        id="filter-preset"
        label="Preset"
        value={filters.preset}
        options={(options?.presets ?? []).map((preset) => ({ value: preset }))}
        onChange={(value) => setFilter('preset', value as Filters['preset'])}
      />
      <FilterSelect
        id="filter-dataset"
        label="Dataset"
        value={filters.dataset}
        options={(options?.datasets ?? []).map((dataset) => ({ value: dataset }))}
        onChange={(value) => setFilter('dataset', value)}
      />
      <FilterSelect
        id="filter-group"
        label="Comparison group"
        value={filters.groupId}
        options={groupOptions(filters.groupId, options)}
        onChange={(value) => setFilter('groupId', value)}
      />
      <FilterSelect
        id="filter-tag"
        label="Tag"
        value={filters.tag}
        options={tagOptions(filters.tag, props.tags)}
        onChange={(value) => setFilter('tag', value)}
      />
      <a className="small" href={csvHref(filters)} download>
        Download CSV
      </a>
      <CompareSelected selected={props.selected} />
    </div>
  );
}
