/**
 * The all-reduce of data-parallel training, in SharedArrayBuffers every replica maps. Each step every
 * replica writes its gradient (already scaled by its share of the batch) into its own slot; after a
 * barrier, replica r sums the slots over its share of the parameters into the result (reduce-scatter);
 * after a second barrier every replica reads the whole averaged gradient (the all-gather: the result is
 * shared memory). Replica 0 lives on the run's main thread, which must keep its event loop free (to hear
 * a worker die), so it waits with Atomics.waitAsync; worker threads block in Atomics.wait.
 */

/** The shared memory of one phase: what every replica receives when the phase begins. */
export interface SharedGradientBuffers {
  parties: number;
  /** Floats per replica: the trainable gradients, then the batch-norm moving statistics. */
  length: number;
  /** [barrier count, barrier generation, aborted]. */
  control: SharedArrayBuffer;
  /** parties slots of `length` floats, then the result. */
  values: SharedArrayBuffer;
  /** Per replica: its rows, loss·rows and accuracy·rows for the step. */
  metrics: SharedArrayBuffer;
}

/** Atomics.waitAsync (Node ≥ 16), which this project's TypeScript lib (ES2022) does not declare. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync.bind(Atomics);

/** Per replica in `metrics`: rows, loss·rows, accuracy·rows. */
const METRICS = 3;
const COUNT = 0;
const GENERATION = 1;
const ABORTED = 2;
/** Waits wake up this often to look at the abort flag (a dead peer never arrives). */
const WAIT_SLICE_MS = 250;

export class AllReduceAborted extends Error {
  constructor() {
    super('data-parallel step aborted: another replica failed');
  }
}

export function createSharedGradientBuffers(
  parties: number,
  length: number,
): SharedGradientBuffers {
  if (!Number.isInteger(parties) || parties < 2)
    throw new Error(`createSharedGradientBuffers: parties must be an integer ≥ 2, got ${parties}`);
  if (!Number.isInteger(length) || length < 1)
    throw new Error(
      `createSharedGradientBuffers: length must be a positive integer, got ${length}`,
    );
  return {
    parties,
    length,
    control: new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT),
    values: new SharedArrayBuffer((parties + 1) * length * Float32Array.BYTES_PER_ELEMENT),
    metrics: new SharedArrayBuffer(parties * METRICS * Float64Array.BYTES_PER_ELEMENT),
  };
}

/** Bytes of shared memory a phase holds: what the scaling model's per-step traffic is made of. */
export function sharedBytes(buffers: SharedGradientBuffers): number {
  return buffers.control.byteLength + buffers.values.byteLength + buffers.metrics.byteLength;
}

/** [start, end) of the parameters replica `rank` of `parties` reduces. */
export function reduceShare(rank: number, parties: number, length: number): [number, number] {
  return [Math.floor((rank * length) / parties), Math.floor(((rank + 1) * length) / parties)];
}

/** Rows of a batch of `rows` each replica trains on: as even as possible, the first ones larger. */
export function splitRows(rows: number, parties: number): number[] {
  const base = Math.floor(rows / parties);
  const extra = rows % parties;
  return Array.from({ length: parties }, (_, rank) => base + (rank < extra ? 1 : 0));
}

/** One replica's view of the shared buffers. */
export class GradientExchange {
  readonly rank: number;
  private readonly control: Int32Array;
  private readonly values: Float32Array;
  private readonly metrics: Float64Array;

  constructor(
    readonly buffers: SharedGradientBuffers,
    rank: number,
  ) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= buffers.parties)
      throw new Error(`GradientExchange: rank ${rank} outside 0..${buffers.parties - 1}`);
    this.rank = rank;
    this.control = new Int32Array(buffers.control);
    this.values = new Float32Array(buffers.values);
    this.metrics = new Float64Array(buffers.metrics);
  }

  /** This replica's slot: where it writes its scaled gradient. */
  slot(): Float32Array {
    const { length } = this.buffers;
    return this.values.subarray(this.rank * length, (this.rank + 1) * length);
  }

  /** The averaged gradient, valid between the second barrier and the next step's first. */
  result(): Float32Array {
    const { length, parties } = this.buffers;
    return this.values.subarray(parties * length, (parties + 1) * length);
  }

  /** Its rows of the batch (0: it computed nothing) and its mean loss and accuracy on them. */
  setMetrics(rows: number, loss: number, acc: number): void {
    const at = this.rank * METRICS;
    this.metrics[at] = rows;
    this.metrics[at + 1] = rows > 0 ? loss * rows : 0;
    this.metrics[at + 2] = rows > 0 ? acc * rows : 0;
  }

  /** The batch's rows and mean loss and accuracy over all replicas (after the first barrier). */
  batchMetrics(): { rows: number; loss: number; acc: number } {
    let rows = 0;
    let loss = 0;
    let acc = 0;
    for (let r = 0; r < this.buffers.parties; r++) {
      rows += this.metrics[r * METRICS] ?? 0;
      loss += this.metrics[r * METRICS + 1] ?? 0;
      acc += this.metrics[r * METRICS + 2] ?? 0;
    }
    return { rows, loss: loss / rows, acc: acc / rows };
  }

  /**
   * Sums every replica's slot, weighted by its share of the batch's rows, over this replica's share of
   * the parameters into the result: averaged slice gradients equal the whole batch's gradient. A
   * replica without rows is skipped (its slot holds whatever an earlier step left).
   */
  reduceOwnShare(): void {
    const { length, parties } = this.buffers;
    const [start, end] = reduceShare(this.rank, parties, length);
    const total = this.batchMetrics().rows;
    const result = this.values.subarray(parties * length + start, parties * length + end);
    let first = true;
    for (let r = 0; r < parties; r++) {
      const rows = this.metrics[r * METRICS] ?? 0;
      if (rows === 0) continue;
      const weight = rows / total;
      const slot = this.values.subarray(r * length + start, r * length + end);
      if (first) for (let i = 0; i < slot.length; i++) result[i] = weight * (slot[i] as number);
      else
        for (let i = 0; i < slot.length; i++)
          result[i] = (result[i] as number) + weight * (slot[i] as number);
      first = false;
    }
  }

  /** Marks the exchange failed and wakes every waiting replica. */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORTED) === 1;
  }

  /** Worker threads: blocks until every replica has arrived. */
  arriveBlocking(): void {
    const generation = this.arrive();
    if (generation === null) return;
    while (Atomics.load(this.control, GENERATION) === generation) {
      if (this.aborted) throw new AllReduceAborted();
      Atomics.wait(this.control, GENERATION, generation, WAIT_SLICE_MS);
    }
    if (this.aborted) throw new AllReduceAborted();
  }

  /** The main thread: waits without blocking its event loop; `failure` is checked between waits. */
  async arriveAsync(failure: () => Error | null): Promise<void> {
    const generation = this.arrive();
    if (generation === null) return;
    while (Atomics.load(this.control, GENERATION) === generation) {
      const failed = failure();
      if (failed) throw failed;
      if (this.aborted) throw new AllReduceAborted();
      const waited = waitAsync(this.control, GENERATION, generation, WAIT_SLICE_MS);
      if (waited.async) await waited.value;
    }
    const failed = failure();
    if (failed) throw failed;
    if (this.aborted) throw new AllReduceAborted();
  }

  /** Counts this replica in; null when it was the last (it released the others). */
  private arrive(): number | null {
    if (this.aborted) throw new AllReduceAborted();
    const generation = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, COUNT, 1) === this.buffers.parties - 1) {
      Atomics.store(this.control, COUNT, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      return null;
    }
    return generation;
  }
}
