/**
 * Datasets: the built-in ones with their state on this host and any fetch under way, the image folders
 * registered here, fetching from the page, and registering a folder. One file per procedure, named
 * after it (`datasets.registerFolder` → register-folder.ts); schemas.ts holds what several share.
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { fetchDatasetProcedure } from './datasets-fetch.ts';
import { importBuiltinDatasetProcedure } from './datasets-import-builtin.ts';
import { listDatasetsProcedure } from './datasets-list.ts';
import { registerFolderProcedure } from './datasets-register-folder.ts';
import { removeFolderProcedure } from './datasets-remove-folder.ts';

export const datasetsRouter = {
  list: listDatasetsProcedure,
  fetch: fetchDatasetProcedure,
  importBuiltin: importBuiltinDatasetProcedure,
  registerFolder: registerFolderProcedure,
  removeFolder: removeFolderProcedure,
} satisfies TRPCRouterRecord;
