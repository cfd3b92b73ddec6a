/**
 * Decoding images off the event loop. A server that decodes uploads on its one thread stops answering
 * everyone while it does; this pool decodes in worker threads, at most `size` at once, each image
 * within a time limit (its worker is terminated and replaced past it), with a bounded queue. Same
 * checks and decoders as decodeImage (the workers run it), so a file refused here is refused there.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ImageRejected, type DecodedImage, type ImageLimits } from './image-decode.ts';
import type { DecodeReply, DecodeRequest, ReadyMessage } from './image-decode-worker.ts';

export interface ImageDecodePoolOptions {
  /** Worker threads at most (default: the cores but one, at least 1, at most 4). */
  size?: number;
  /** One image's decoding time at most (default 5 s). */
  timeoutMs?: number;
  /** Images waiting for a worker at most; past it decode() is refused at once (default 64). */
  maxQueued?: number;
}

/** decode() was refused because too many images are waiting already. */
export class DecodePoolBusy extends Error {
  override name = 'DecodePoolBusy';
}

interface Task {
  request: Omit<DecodeRequest, 'id'>;
  resolve: (image: DecodedImage) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded: a task's time limit runs from when it is sent (else from when the worker is ready). */
  ready: boolean;
  task: (Task & { id: number; timer: NodeJS.Timeout | null }) | null;
}

/**
 * The worker's entry file (image-decode-worker-entry.mjs registers tsx, then imports the TypeScript
 * worker), found through the package's real location at run time — not import.meta.url, which a
 * bundler such as Next's rewrites.
 */
const CORE_PACKAGE_JSON = '@convlab/core/package.json';
/** How long a new worker may take to load (tsx compiles the decoder on its first start). */
const STARTUP_MS = 30_000;

function workerEntry(): string {
  const require = createRequire(import.meta.url);
  const coreDir = path.dirname(require.resolve(/* turbopackIgnore: true */ CORE_PACKAGE_JSON));
  return path.join(coreDir, 'src', 'data', 'image-decode-worker-entry.mjs');
}

export class ImageDecodePool {
  readonly size: number;
  readonly timeoutMs: number;
  readonly maxQueued: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private entry: string | null = null;

  constructor(options: ImageDecodePoolOptions = {}) {
    this.size = options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxQueued = options.maxQueued ?? 64;
    if (!Number.isInteger(this.size) || this.size < 1) throw new Error('pool size must be ≥ 1');
  }

  /** Decodes `bytes` in a worker (ImageRejected for refused, undecodable or too slow images). */
  decode = (bytes: Uint8Array, limits: ImageLimits): Promise<DecodedImage> => {
    if (this.closed) return Promise.reject(new Error('the image decode pool is closed'));
    if (this.queue.length >= this.maxQueued)
      return Promise.reject(new DecodePoolBusy('too many images are waiting to be decoded'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { bytes, limits }, resolve, reject });
      this.dispatch();
    });
  };

  /** Terminates every worker; waiting and running decodes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the image decode pool closed'));
    await Promise.all(
      this.slots
        .splice(0)
        .map((slot) => this.retire(slot, new Error('the image decode pool closed'))),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => candidate.task === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        try {
          slot = this.spawn();
        } catch (error) {
          // No worker can start (e.g. the worker file cannot be found): nothing queued can be decoded.
          const reason = new Error(
            `cannot start an image decoder: ${error instanceof Error ? error.message : String(error)}`,
          );
          for (const waiting of this.queue.splice(0)) waiting.reject(reason);
          return;
        }
      }
      const task = this.queue.shift();
      if (!task) return;
      const id = this.nextId++;
      slot.task = { ...task, id, timer: null };
      // A busy worker keeps the process alive until its answer; an idle one does not.
      slot.worker.ref();
      this.startTimer(slot);
      // The bytes are copied to the worker (the caller may still hold them).
      slot.worker.postMessage({ id, ...task.request } satisfies DecodeRequest);
    }
  }

  /**
   * Past the time limit the task is refused and its worker terminated (a decode cannot be stopped).
   * A worker still starting gets STARTUP_MS more; its `ready` message restarts the clock.
   */
  private startTimer(slot: Slot): void {
    const task = slot.task;
    if (!task) return;
    if (task.timer) clearTimeout(task.timer);
    const limitMs = this.timeoutMs + (slot.ready ? 0 : STARTUP_MS);
    task.timer = setTimeout(() => {
      const reason = slot.ready
        ? new ImageRejected(
            `took longer than ${(this.timeoutMs / 1000).toFixed(1)} s to decode: too costly`,
            'too-costly',
          )
        : new Error(`the image decoder did not start within ${STARTUP_MS / 1000} s`);
      void this.retire(slot, reason).then(() => this.dispatch());
    }, limitMs);
  }

  private spawn(): Slot {
    this.entry ??= workerEntry();
    const worker = new Worker(this.entry);
    // An idle pool never keeps a process alive (a CLI, a test) on its own.
    worker.unref();
    const slot: Slot = { worker, ready: false, task: null };
    worker.on('message', (reply: DecodeReply | ReadyMessage) => {
      if ('ready' in reply) {
        slot.ready = true;
        this.startTimer(slot);
        return;
      }
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      if (task.timer) clearTimeout(task.timer);
      slot.task = null;
      slot.worker.unref();
      if (reply.ok) task.resolve({ width: reply.width, height: reply.height, rgba: reply.rgba });
      else
        task.reject(
          reply.kind ? new ImageRejected(reply.message, reply.kind) : new Error(reply.message),
        );
      this.dispatch();
    });
    const lost = (error: Error) => {
      if (!this.slots.includes(slot)) return;
      void this.retire(
        slot,
        new ImageRejected(`the decoder failed: ${error.message}`, 'corrupt'),
      ).then(() => this.dispatch());
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`its thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  /** Removes a worker (rejecting its task with `reason`) and terminates its thread. */
  private async retire(slot: Slot, reason: Error): Promise<void> {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const task = slot.task;
    slot.task = null;
    if (task) {
      if (task.timer) clearTimeout(task.timer);
      task.reject(reason);
    }
    await slot.worker.terminate();
  }
}
