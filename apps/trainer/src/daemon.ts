/**
 * The trainer daemon: claims queued runs and trains each in its own child process, so a crash, OOM or
 * native abort in one run fails that run and not the daemon. The daemon owns the leases: it renews them
 * while a child lives, relays cancel requests, requeues runs whose lease expired (any daemon's), and on
 * SIGINT/SIGTERM stops claiming, lets children stop at a batch boundary and hands their runs back.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  claimNextRun,
  createDb,
  failRun,
  findRun,
  isRunningFor,
  heartbeatWorker,
  listCancelRequested,
  listenForQueuedRuns,
  registerWorker,
  releaseRun,
  renewLease,
  requeueStaleRuns,
  stopWorker,
  type PrismaClient,
  type QueueListener,
} from '@convlab/db';
import { isTransientDatabaseError, nextBackoffMs, withDatabaseRetry } from './database-retry.ts';
import { envWith, logLevelFromEnv } from './env.ts';
import type { Logger } from './logger.ts';
import { parseProgressMessage, type StopMessage } from './ipc-messages.ts';
import type { TerminalLog } from './terminal-log.ts';

export interface DaemonOptions {
  databaseUrl: string;
  concurrency: number;
  /** Data-parallel worker threads each run may use (a run's own `workers` can only lower it). */
  threadsPerRun: number;
  /** Work the queue until it is empty, then return. */
  once: boolean;
  /** Claim at most this many runs, finish them, then return (null: no limit). */
  maxRuns?: number | null;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  shutdownGraceMs: number;
  backend: string;
  /** The backend's device where it names one (webgpu: the adapter), shown on the worker row. */
  backendDevice?: string | null;
  /** Why faster backends were passed over (initBackend's passedOver), logged at start. */
  backendPassedOver?: string[];
  version: string;
  verbose: boolean;
  logger: Logger;
  /** A person's terminal: run processes' logs and progress are shown there (else their JSON goes to stderr). */
  terminal?: TerminalLog;
}

interface ActiveRun {
  child: ChildProcess;
  exited: Promise<void>;
  stopSent: boolean;
}

const RUN_PROCESS_ENTRY = fileURLToPath(new URL('./run-process.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export class TrainerDaemon {
  private readonly db: PrismaClient;
  private readonly active = new Map<string, ActiveRun>();
  private workerId = '';
  private stopping = false;
  private wake: (() => void) | null = null;
  /** PostgreSQL: wakes the poll loop when a run is queued (null on SQLite, or while reconnecting). */
  private listener: QueueListener | null = null;
  private listenUnsupported = false;
  private wakePending = false;
  private runsStarted = 0;

  constructor(private readonly options: DaemonOptions) {
    this.db = createDb({ url: options.databaseUrl });
  }

  /** Runs until the queue is empty (--once), its --max-runs are done, or a shutdown is requested. */
  async run(): Promise<{ runsStarted: number }> {
    const { logger, leaseMs } = this.options;
    const worker = await registerWorker(this.db, {
      host: hostname(),
      pid: process.pid,
      backend: this.options.backend,
      backendDevice: this.options.backendDevice,
      concurrency: this.options.concurrency,
      version: this.options.version,
    });
    this.workerId = worker.id;
    logger.info(
      {
        event: 'worker.started',
        workerId: this.workerId,
        backend: this.options.backend,
        device: this.options.backendDevice,
        passedOver: this.options.backendPassedOver,
        concurrency: this.options.concurrency,
        threadsPerRun: this.options.threadsPerRun,
      },
      `trainer started on ${this.options.backend}` +
        (this.options.backendDevice ? ` (${this.options.backendDevice})` : '') +
        `: ${this.options.concurrency} run${this.options.concurrency === 1 ? '' : 's'} at a time, ` +
        `up to ${this.options.threadsPerRun} worker${this.options.threadsPerRun === 1 ? '' : 's'} each`,
    );
    const heartbeat = setInterval(
      () => void this.heartbeat(),
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    try {
      await this.loop();
    } finally {
      clearInterval(heartbeat);
      await this.listener?.close();
      await stopWorker(this.db, this.workerId).catch(() => undefined);
      await this.db.$disconnect();
      logger.info({ event: 'worker.stopped', workerId: this.workerId }, 'trainer stopped');
    }
    return { runsStarted: this.runsStarted };
  }

  /** Stop claiming, ask every child to stop at its next batch, and hand their runs back to the queue. */
  async shutdown(signal: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.logger.info(
      { event: 'worker.shutdown', signal, runs: [...this.active.keys()] },
      'shutting down',
    );
    for (const [runId, active] of this.active) this.sendStop(runId, active, 'shutdown');
    this.wake?.();
    const exits = Promise.all([...this.active.values()].map((a) => a.exited));
    const grace = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), this.options.shutdownGraceMs).unref(),
    );
    if ((await Promise.race([exits, grace])) === 'timeout') {
      for (const active of this.active.values()) active.child.kill('SIGKILL');
      await exits;
    }
  }

  /**
   * Polls until stopped (or, with --once, until nothing is left to do here), then waits for the
   * children. A database that stops answering (PostgreSQL restarting, the network) does not end the
   * daemon: it logs, backs off (the poll interval doubling up to 30 s) and carries on, and its
   * children keep training (their writes retry on their own).
   */
  private async loop(): Promise<void> {
    const { logger, pollMs } = this.options;
    let delay = pollMs;
    let recovering = false;
    while (!this.stopping) {
      try {
        if ((await this.poll(recovering)) === 'done') break;
        delay = pollMs;
        recovering = false;
      } catch (error) {
        // Only an unreachable database is waited out; anything else (a bug, a broken schema) stops
        // the daemon visibly, as before.
        if (!isTransientDatabaseError(error)) throw error;
        delay = nextBackoffMs(delay, Math.max(pollMs, 30_000));
        recovering = true;
        logger.error(
          { event: 'worker.database_unavailable', err: error, retryInMs: delay },
          `the database did not answer; retrying in ${delay} ms`,
        );
      }
      await this.sleep(delay);
    }
    await Promise.all([...this.active.values()].map((a) => a.exited));
  }

  /**
   * One round: listen (again) for queued runs, requeue stale runs, claim what fits, relay cancels.
   * `recovering`: the last round failed (the database was away), so leases may have run out.
   */
  private async poll(recovering: boolean): Promise<'done' | 'more'> {
    const { logger } = this.options;
    await this.listen();
    // After an outage our own runs' leases first (the heartbeat renews them otherwise): requeueing
    // before renewing would hand this daemon's own running runs back to the queue.
    if (recovering) await this.renewLeases();
    const requeued = await requeueStaleRuns(this.db, { maxAttempts: this.options.maxAttempts });
    for (const run of requeued) {
      logger.warn(
        { event: 'run.lease_expired', runId: run.id, status: run.status },
        'requeued a run whose lease expired',
      );
    }
    let claimedAny = false;
    const maxRuns = this.options.maxRuns ?? Infinity;
    while (
      !this.stopping &&
      this.active.size < this.options.concurrency &&
      this.runsStarted < maxRuns
    ) {
      const run = await claimNextRun(this.db, {
        workerId: this.workerId,
        leaseMs: this.options.leaseMs,
      });
      if (!run) break;
      claimedAny = true;
      this.startRun(run.id, run.attempts);
    }
    await this.relayCancelRequests();
    // --max-runs: its runs claimed and finished, this trainer is done (a scheduler starts another).
    if (this.runsStarted >= maxRuns && this.active.size === 0) return 'done';
    // A queue that looks empty may still hold a run whose lease is about to expire elsewhere;
    // --once means "until nothing is left to do here", so we stop.
    return this.options.once && !claimedAny && this.active.size === 0 ? 'done' : 'more';
  }

  /** PostgreSQL: LISTEN for queued runs over a connection of its own (again after it dropped). */
  private async listen(): Promise<void> {
    if (this.listener || this.listenUnsupported) return;
    const { logger } = this.options;
    try {
      this.listener = await listenForQueuedRuns(
        this.options.databaseUrl,
        () => this.wakeUp(),
        (error) => {
          this.listener = null;
          logger.warn(
            { event: 'worker.listen_lost', err: error },
            'lost the queue wake-up; polling',
          );
        },
      );
    } catch (error) {
      // The wake-up is an optimisation: without it the daemon polls (and tries again next round).
      logger.warn({ event: 'worker.listen_failed', err: error }, 'no queue wake-up; polling');
      return;
    }
    if (this.listener) logger.info({ event: 'worker.listening' }, 'listening for queued runs');
    else this.listenUnsupported = true;
  }

  private startRun(runId: string, attempt: number): void {
    const { logger } = this.options;
    if (this.active.has(runId)) {
      // Claimed back while its process still trains it (never two processes on one run folder).
      logger.warn({ event: 'run.already_training', runId }, 'run is already training here');
      return;
    }
    const child = fork(RUN_PROCESS_ENTRY, [runId, this.workerId], {
      execArgv: ['--import', TSX_LOADER],
      env: envWith({
        DATABASE_URL: this.options.databaseUrl,
        CONVLAB_BACKEND: this.options.backend,
        CONVLAB_THREADS_PER_RUN: String(this.options.threadsPerRun),
        CONVLAB_LOG_LEVEL: this.options.verbose ? 'debug' : logLevelFromEnv(),
        // Only a daemon drawing on a terminal listens for live progress over IPC.
        CONVLAB_PROGRESS_IPC: this.options.terminal ? '1' : '0',
      }),
      stdio: ['ignore', 'inherit', this.options.terminal ? 'pipe' : 'inherit', 'ipc'],
    });
    const { terminal } = this.options;
    if (terminal && child.stderr) {
      // Whole lines only: two runs' output must not interleave mid-record.
      createInterface({ input: child.stderr }).on('line', (line) => terminal.write(`${line}\n`));
      let exited = false;
      child.on('message', (message) => {
        // Messages can still arrive after 'exit': never draw a line for a run that has ended.
        const progress = parseProgressMessage(message);
        if (!exited && progress) terminal.updateProgress(runId, progress);
      });
      child.once('exit', () => {
        exited = true;
        terminal.updateProgress(runId, null);
      });
    }
    this.runsStarted += 1;
    logger.info({ event: 'run.started', runId, attempt, childPid: child.pid }, 'training run');
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        void this.onChildExit(runId, attempt, code, signal)
          .catch((error: unknown) =>
            logger.error(
              { event: 'run.exit_unrecorded', runId, err: error },
              'could not record how the run process ended; its lease will expire and requeue it',
            ),
          )
          .finally(() => {
            this.active.delete(runId);
            this.wake?.();
            resolve();
          });
      });
    });
    this.active.set(runId, { child, exited, stopSent: false });
  }

  /** A child that exits leaves its run finished; if it did not (crash, kill), decide here. */
  private async onChildExit(
    runId: string,
    attempt: number,
    code: number | null,
    signal: string | null,
  ): Promise<void> {
    const { logger } = this.options;
    const retry = <T>(what: string, action: () => Promise<T>) =>
      withDatabaseRetry(action, { logger, what: `${what} (run ${runId})` });
    const run = await retry('reading the run', () => findRun(this.db, runId));
    if (!run || !isRunningFor(run, this.workerId)) {
      logger.info(
        { event: 'run.exited', runId, code, signal, status: run?.status },
        'run process finished',
      );
      return;
    }
    if (this.stopping || run.attempts !== attempt) {
      // Stopping; or the run was requeued and claimed here again while this process was still ending
      // (startRun then left it alone): its new attempt has no process, so it goes back to the queue.
      await retry('handing the run back', () => releaseRun(this.db, runId));
      logger.info({ event: 'run.released', runId }, 'run handed back to the queue');
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const updated = await retry('recording the crash', () =>
      failRun(this.db, runId, `training process ${how} (crash or out of memory?)`, {
        retryable: true,
      }),
    );
    logger.error(
      { event: 'run.crashed', runId, code, signal, status: updated.status },
      `run process ${how}`,
    );
  }

  /** Extends the lease of every run this daemon trains; a run that is no longer ours is stopped. */
  private async renewLeases(): Promise<void> {
    for (const [runId, active] of this.active) {
      const lease = await renewLease(this.db, runId, this.workerId, this.options.leaseMs);
      if (!lease.owned) {
        this.options.logger.warn(
          { event: 'run.lease_lost', runId },
          'lost the lease: stopping the run',
        );
        active.child.kill('SIGKILL');
      }
      // Cancel requests take one path: relayCancelRequests, every poll.
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await heartbeatWorker(this.db, this.workerId);
      await this.renewLeases();
    } catch (error) {
      this.options.logger.error(
        { event: 'worker.heartbeat_failed', err: error },
        'heartbeat failed',
      );
    }
  }

  /**
   * The one path of a cancel request to a run's process: checked every poll (not only on heartbeats)
   * so a run stops within about one batch.
   */
  private async relayCancelRequests(): Promise<void> {
    if (this.active.size === 0) return;
    for (const id of await listCancelRequested(this.db, [...this.active.keys()])) {
      const active = this.active.get(id);
      if (active) this.sendStop(id, active, 'cancel');
    }
  }

  private sendStop(runId: string, active: ActiveRun, reason: StopMessage['reason']): void {
    if (active.stopSent && reason === 'cancel') return;
    active.stopSent = true;
    const message: StopMessage = { type: 'stop', reason };
    if (active.child.connected) active.child.send(message);
    this.options.logger.info(
      { event: `run.stop_requested`, runId, reason },
      'asked the run to stop',
    );
  }

  /** Ends the current sleep, or the next one when none is in progress (a run was queued meanwhile). */
  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
