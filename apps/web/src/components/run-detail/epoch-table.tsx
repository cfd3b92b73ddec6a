/** Every epoch's metrics, learning rate and time, in a scrolling table. */
import { formatDuration, formatPercent } from '~/lib/format.ts';
import type { DetailRun } from './detail-types.ts';

export function EpochTable({ epochs }: { epochs: DetailRun['epochs'] }) {
  return (
    <div className="table-wrap" style={{ maxHeight: 260, overflowY: 'auto' }}>
      <table className="data">
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
          {epochs.map((e) => (
            <tr key={e.epoch}>
              <td className="num">{e.epoch}</td>
              <td>{e.phase}</td>
              <td className="num">{e.loss.toFixed(4)}</td>
              <td className="num">{formatPercent(e.acc)}</td>
              <td className="num">{e.valLoss.toFixed(4)}</td>
              <td className="num">{formatPercent(e.valAcc)}</td>
              <td className="num">{e.lr.toExponential(1)}</td>
              <td className="num">{formatDuration(e.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
