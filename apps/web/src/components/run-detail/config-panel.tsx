/** The run's resolved configuration, key by key (and why it failed to parse, if it did). */
import { planPhases, totalEpochs, type RunConfig } from '@convlab/core/contracts';
import type { DetailRun } from './detail-types.ts';

/**
 * What the run trains in all, phase by phase: "9 (5 frozen + 4 fine-tune)" where the config's
 * `epochs` alone (5) would hide the fine-tuning.
 */
export function trainedEpochsLabel(config: RunConfig): string {
  const phases = planPhases(config);
  const total = totalEpochs(config);
  if (phases.length < 2) return String(total);
  return `${total} (${phases.map((p) => `${p.epochs} ${p.phase}`).join(' + ')})`;
}

export function ConfigPanel({ run }: { run: DetailRun }) {
  return (
    <section className="panel">
      <h2>Configuration</h2>
      {run.configError && <div className="notice error">{run.configError}</div>}
      <dl className="kv" data-testid="run-config">
        {run.config && (
          <>
            <dt>epochs, all phases</dt>
            <dd data-testid="epochs-trained">{trainedEpochsLabel(run.config)}</dd>
          </>
        )}
        {Object.entries(run.config ?? {}).map(([key, value]) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt>{key}</dt>
            <dd>{value === null ? 'null' : String(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
