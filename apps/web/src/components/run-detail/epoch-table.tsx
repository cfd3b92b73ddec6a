/**
 * Every epoch's metrics, learning rate and time, all rows in view (no scroll box): the best epoch,
 * whose weights the model keeps, is marked.
 */
import { formatDuration, formatPercent } from '~/lib/format.ts';
import type { DetailRun } from './detail-types.ts';

export function EpochTable({
  epochs,
  bestEpoch,
}: {
  epochs: DetailRun['epochs'];
  bestEpoch: number | null;
}) {
  return (
    <div className="table-wrap">
      <table className="data epochs" data-testid="epoch-table">
        <thead>
          <tr>
            <th className="num">Epoch</th>
            <th>Phase</th>
            <th className="num">Loss</th>
            <th className="num">Acc</th>
            <th className="num">Val loss</th>
            <th className="num">Val acc</th>
            <th className="num">LR</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((e) => {
            const best = e.epoch === bestEpoch;
            return (
              <tr
                key={e.epoch}
                className={best ? 'best-epoch' : undefined}
                data-best={best || undefined}
              >
                <td className="num">
                  {e.epoch}
                  {best && (
                    <span
                      className="best-mark"
                      title="Best validation accuracy: the model keeps these weights"
                    >
                      {' '}
                      ★ best
                    </span>
                  )}
                </td>
                <td>{e.phase}</td>
                <td className="num">{e.loss.toFixed(4)}</td>
                <td className="num">{formatPercent(e.acc)}</td>
                <td className="num">{e.valLoss.toFixed(4)}</td>
                <td className="num">{formatPercent(e.valAcc)}</td>
                <td className="num">{e.lr.toExponential(1)}</td>
                <td className="num">{formatDuration(e.seconds)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
