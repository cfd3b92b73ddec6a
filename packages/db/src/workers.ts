/** Trainer processes announce themselves so the dashboard can show who is working. */
import { randomBytes } from 'node:crypto';
import { formatZodIssue } from '@convlab/core/contracts';
import { z } from 'zod';
import type { PrismaClient, Worker } from './generated/prisma/client.ts';

const registerWorkerSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/)
    .optional(),
  host: z.string().min(1).max(255),
  pid: z.number().int().min(0),
  backend: z.string().min(1).max(50),
  /** The backend's device where it names one (webgpu: the adapter). */
  backendDevice: z.string().min(1).max(200).nullish(),
  concurrency: z.number().int().min(1).max(64),
  version: z.string().min(1).max(100),
});
export type RegisterWorkerInput = z.input<typeof registerWorkerSchema>;

/** Registers (or re-registers) a worker and returns it; the id defaults to a fresh `w…` id. */
export async function registerWorker(
  db: PrismaClient,
  input: RegisterWorkerInput,
): Promise<Worker> {
  const parsed = registerWorkerSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid worker: ${formatZodIssue(parsed.error, 'worker')}`);
  }
  const { id = `w${Date.now().toString(36)}${randomBytes(3).toString('hex')}`, ...info } =
    parsed.data;
  const now = new Date();
  return db.worker.upsert({
    where: { id },
    create: { id, ...info, startedAt: now, lastSeenAt: now },
    update: { ...info, startedAt: now, lastSeenAt: now, stoppedAt: null },
  });
}

/** Marks the worker alive now. */
export async function heartbeatWorker(db: PrismaClient, workerId: string): Promise<void> {
  await db.worker.updateMany({ where: { id: workerId }, data: { lastSeenAt: new Date() } });
}

/** Marks the worker stopped (its runs are released or finished separately). */
export async function stopWorker(db: PrismaClient, workerId: string): Promise<void> {
  const now = new Date();
  await db.worker.updateMany({
    where: { id: workerId },
    data: { stoppedAt: now, lastSeenAt: now },
  });
}

/** Workers that have not stopped and were seen within `aliveWithinMs`, oldest first. */
export async function listWorkers(
  db: PrismaClient,
  options: { aliveWithinMs: number; now?: Date },
): Promise<Worker[]> {
  const now = options.now ?? new Date();
  return db.worker.findMany({
    where: {
      stoppedAt: null,
      lastSeenAt: { gte: new Date(now.getTime() - options.aliveWithinMs) },
    },
    orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
  });
}

/**
 * Lost workers: not stopped, but silent for longer than `aliveWithinMs` (their host died or lost the
 * database), seen within the last `withinMs` (default a day), most recently seen first. Their runs go
 * back to the queue once their leases expire (requeueStaleRuns, run by every daemon's poll).
 */
export async function listLostWorkers(
  db: PrismaClient,
  options: { aliveWithinMs: number; withinMs?: number; now?: Date },
): Promise<Worker[]> {
  const now = options.now ?? new Date();
  return db.worker.findMany({
    where: {
      stoppedAt: null,
      lastSeenAt: {
        lt: new Date(now.getTime() - options.aliveWithinMs),
        gte: new Date(now.getTime() - (options.withinMs ?? 86_400_000)),
      },
    },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
  });
}
