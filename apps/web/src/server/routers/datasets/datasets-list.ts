import { listFolderDatasets } from '@convlab/db';
import { decideAccess } from '../../access.ts';
import { listDatasetStatuses, listFetchJobs } from '../../dataset-service.ts';
import { readProcedure } from '../../trpc.ts';

/**
 * Everything, with where it lives on the server for those who may change it; a read-only reader (a
 * public dashboard) is told states and counts, never server paths.
 */
export const listDatasetsProcedure = readProcedure.query(async ({ ctx }) => {
  const builtin = listDatasetStatuses();
  const fetches = listFetchJobs();
  const folders = await listFolderDatasets(ctx.db);
  if (decideAccess(ctx.policy, ctx.headers, 'write').allowed)
    return { builtin, fetches, folders, datasetRoots: ctx.dataPolicy.datasetRoots };
  return {
    builtin: builtin.map((d) => ({
      ...d,
      location: null,
      problem: d.problem === null ? null : `${d.name} is ${d.state}`,
    })),
    fetches: fetches.map((f) => ({
      ...f,
      messages: [],
      result: f.state === 'failed' ? 'the fetch failed' : f.result,
    })),
    folders: [],
    datasetRoots: [],
  };
});
