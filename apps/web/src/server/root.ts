/**
 * The dashboard's API: one router per resource, each a folder under routers/ whose index.ts composes
 * it from one file per procedure.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { authRouter } from './routers/auth/index.ts';
import { predictRouter } from './routers/predict/index.ts';
import { datasetsRouter } from './routers/datasets/index.ts';
import { presetsRouter } from './routers/presets/index.ts';
import { reportsRouter } from './routers/reports/index.ts';
import { runsRouter } from './routers/runs/index.ts';
import { sweepsRouter } from './routers/sweeps/index.ts';
import { workersRouter } from './routers/workers/index.ts';
import { createCallerFactory, createTRPCRouter } from './trpc.ts';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  presets: presetsRouter,
  datasets: datasetsRouter,
  predict: predictRouter,
  runs: runsRouter,
  sweeps: sweepsRouter,
  reports: reportsRouter,
  workers: workersRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process (tests, server code): `createCaller(context).runs.list()`. */
export const createCaller = createCallerFactory(appRouter);
