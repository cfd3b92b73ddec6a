import path from 'node:path';
import { resolveFolderDataset, scanImageFolder } from '@convlab/core';
import { folderDatasetLabelSchema, registerFolderDataset } from '@convlab/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';
import { folderPathSchema } from './datasets-schemas.ts';

/**
 * Checks an image folder (inside a dataset root, ≥ 2 classes, every class with usable images) and
 * registers it as `folder:<real path>`.
 */
export const registerFolderProcedure = writeProcedure
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
  });
