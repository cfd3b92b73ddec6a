/** The overlay charts' data: one point per epoch or class, one positional series key per run. */
import { seriesKey, type ComparedRun } from './compared-run.ts';

/** Each epoch up to the longest run's last, with every run's validation accuracy (null if none). */
export function valAccuracyPoints(runs: ComparedRun[]): Record<string, number | null>[] {
  const maxEpoch = Math.max(
    0,
    ...runs.map((run) =>
      run.epochs.length === 0 ? 0 : Math.max(...run.epochs.map((e) => e.epoch)),
    ),
  );
  return Array.from({ length: maxEpoch }, (_, i) => {
    const point: Record<string, number | null> = { epoch: i + 1 };
    runs.forEach((run, r) => {
      point[seriesKey(r)] = run.epochs.find((e) => e.epoch === i + 1)?.valAcc ?? null;
    });
    return point;
  });
}

/** Each class of the first run with a report, with every run's F1 on it (null if none); [] if no reports. */
export function perClassF1Points(runs: ComparedRun[]): Record<string, string | number | null>[] {
  const withReports = runs.filter((run) => run.report);
  const classNames = withReports[0]?.report?.classNames ?? [];
  return classNames.map((name) => {
    const point: Record<string, string | number | null> = { label: name };
    runs.forEach((run, r) => {
      point[seriesKey(r)] = run.report?.perClass.find((c) => c.label === name)?.f1 ?? null;
    });
    return point;
  });
}
