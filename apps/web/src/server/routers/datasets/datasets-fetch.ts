import { FETCHABLE_DATASETS } from '@convlab/core/fetch';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { DatasetBusyError, startFetch } from '../../dataset-service.ts';
import { writeProcedure } from '../../trpc.ts';

/** Starts fetching a dataset in the server (same fetcher as `convlab data fetch`); poll `list`. */
export const fetchDatasetProcedure = writeProcedure
  .input(z.object({ name: z.enum(FETCHABLE_DATASETS) }))
  .mutation(({ input }) => {
    try {
      return startFetch(input.name);
    } catch (error) {
      if (error instanceof DatasetBusyError)
        throw new TRPCError({ code: 'CONFLICT', message: error.message });
      throw error;
    }
  });
