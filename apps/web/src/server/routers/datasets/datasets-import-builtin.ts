import { resolveFolderDataset } from '@convlab/core';
import { FETCHABLE_DATASETS } from '@convlab/core/fetch';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { DatasetBusyError, importFromFolder } from '../../dataset-service.ts';
import { writeProcedure } from '../../trpc.ts';
import { folderPathSchema } from './datasets-schemas.ts';

/**
 * Imports a built-in dataset from a folder on the server inside a dataset root (the same import as
 * `convlab data import`): copied, its contents verified, then placed where the trainer looks.
 */
export const importBuiltinDatasetProcedure = writeProcedure
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
  });
