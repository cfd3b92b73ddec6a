'use client';
import type { RouterOutputs } from '~/server/root.ts';
import { WorkersTable } from './workers-table.tsx';

type ListedWorker = RouterOutputs['workers']['list']['lost'][number];

/**
 * Trainers that stopped heartbeating without stopping (a host that died or lost the database). Their
 * runs go back to the queue once their leases expire, for any trainer to resume from the checkpoint.
 */
export function LostWorkers({ lost, now }: { lost: ListedWorker[]; now: Date }) {
  if (lost.length === 0) return null;
  return (
    <div className="panel" data-testid="lost-workers">
      <h2>Lost trainers</h2>
      <WorkersTable workers={lost} now={now} lost />
      <p className="muted small">
        Their runs go back to the queue when their leases expire; another trainer then resumes each
        from its last checkpoint.
      </p>
    </div>
  );
}
