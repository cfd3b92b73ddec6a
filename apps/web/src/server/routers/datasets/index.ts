/**
 * Datasets: the built-in ones with their state on this host and any fetch under way, the image folders
 * registered here, fetching from the page, and registering a folder (checked first: inside a dataset
 * root, ≥ 2 classes, every class with usable images).
 */
import path from 'node:path';
import { resolveFolderDataset, scanImageFolder } from '@convlab/core';
import { FETCHABLE_DATASETS } from '@convlab/core/fetch';
import {
  folderDatasetLabelSchema,
  listFolderDatasets,
  registerFolderDataset,
  removeFolderDataset,
} from '@convlab/db';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  DatasetBusyError,
  importFromFolder,
  listDatasetStatuses,
  listFetchJobs,
  startFetch,
} from '../../dataset-service.ts';
import { decideAccess } from '../../access.ts';
import { readProcedure, writeProcedure } from '../../trpc.ts';

const folderPathSchema = z
  .string()
  .trim()
  .min(1, 'enter the folder’s path')
  .max(1024, 'a folder path is at most 1024 characters')
  .refine((value) => !value.includes('\0'), 'not a valid path');

export const datasetsRouter = {
  /**
   * Everything, with where it lives on the server for those who may change it; a read-only reader (a
   * public dashboard) is told states and counts, never server paths.
   */
  list: readProcedure.query(async ({ ctx }) => {
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
  }),

  /** Starts fetching a dataset in the server (same fetcher as `convlab data fetch`); poll `list`. */
  fetch: writeProcedure
    .input(z.object({ name: z.enum(FETCHABLE_DATASETS) }))
    .mutation(({ input }) => {
      try {
        return startFetch(input.name);
      } catch (error) {
        if (error instanceof DatasetBusyError)
          throw new TRPCError({ code: 'CONFLICT', message: error.message });
        throw error;
      }
    }),

  /**
   * Imports a built-in dataset from a folder on the server inside a dataset root (the same import as
   * `convlab data import`): copied, its contents verified, then placed where the trainer looks.
   */
  importBuiltin: writeProcedure
    .input(z.object({ name: z.enum(FETCHABLE_DATASETS), path: folderPathSchema }))
    .mutation(async ({ ctx, input }) => {
      let folder: string;
      try {
        folder = await resolveFolderDataset(`folder:${input.path}`, ctx.dataPolicy.datasetRoots);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new TRPCError({ code: 'BAD_REQUEST', message, cause: error });
      }
      try {
        return await importFromFolder(input.name, folder);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new TRPCError({
          code: error instanceof DatasetBusyError ? 'CONFLICT' : 'BAD_REQUEST',
          message,
          cause: error,
        });
      }
    }),

  /** Checks an image folder and registers it as `folder:<real path>`. */
  registerFolder: writeProcedure
    .input(z.object({ path: folderPathSchema, label: folderDatasetLabelSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      let root: string;
      let scan;
      try {
        root = await resolveFolderDataset(`folder:${input.path}`, ctx.dataPolicy.datasetRoots);
        scan = await scanImageFolder(root, ctx.dataPolicy.images);
      } catch (error) {
        // Both say what is wrong with the folder in words, naming no server path.
        const message = error instanceof Error ? error.message : String(error);
        throw new TRPCError({ code: 'BAD_REQUEST', message, cause: error });
      }
      return registerFolderDataset(ctx.db, {
        dataset: `folder:${root}`,
        label: input.label ?? path.basename(root),
        scan,
      });
    }),

  removeFolder: writeProcedure
    .input(z.object({ dataset: z.string().min(1).max(2000) }))
    .mutation(async ({ ctx, input }) => ({
      removed: await removeFolderDataset(ctx.db, input.dataset),
    })),
} satisfies TRPCRouterRecord;
