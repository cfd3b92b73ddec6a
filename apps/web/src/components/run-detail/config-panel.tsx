/** The run's resolved configuration, key by key (and why it failed to parse, if it did). */
import type { DetailRun } from './detail-types.ts';

export function ConfigPanel({ run }: { run: DetailRun }) {
  return (
    <section className="panel">
      <h2>Configuration</h2>
      {run.configError && <div className="notice error">{run.configError}</div>}
      <dl className="kv" data-testid="run-config">
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
