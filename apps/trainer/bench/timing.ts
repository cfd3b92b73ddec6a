/** Wall and process-CPU timing of repeated steps, after warm-up. */
export interface StepTiming {
  steps: number;
  wallMs: number;
  cpuMs: number;
}

/** Runs `step` `warmup` times, then until both `minSteps` and `minMs` are reached (at most maxSteps). */
export async function timeSteps(
  step: () => Promise<void> | void,
  {
    warmup,
    minSteps,
    minMs,
    maxSteps = 1000,
  }: { warmup: number; minSteps: number; minMs: number; maxSteps?: number },
): Promise<StepTiming> {
  for (let i = 0; i < warmup; i++) await step();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let steps = 0;
  while (steps < maxSteps && (steps < minSteps || performance.now() - start < minMs)) {
    await step();
    steps++;
  }
  const used = process.cpuUsage(cpu);
  return { steps, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export function rate(images: number, timing: StepTiming): number {
  return Math.round((images * timing.steps * 10000) / timing.wallMs) / 10;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of nothing');
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * img/s by wall time, and by this process's CPU time: on a shared machine the second shows what one
 * core delivers when this process gets it.
 */
export function rates(images: number, timing: StepTiming) {
  const cpuImagesPerSecond = Math.round((images * timing.steps * 10000) / timing.cpuMs) / 10;
  return {
    imagesPerSecond: rate(images, timing),
    cpuImagesPerSecond,
    steps: timing.steps,
    wallMs: Math.round(timing.wallMs),
    cpuMs: Math.round(timing.cpuMs),
  };
}
