/**
 * The model's architecture, layer by layer as Keras's model.summary() prints it: kind, output shape,
 * parameters and whether the layer trains. A pretrained backbone (over 150 layers for MobileNetV2)
 * folds into one row that opens.
 */
import { layerTrainingRole, type LayerSummary, type ModelSummary } from '@convlab/core/contracts';
import type { ReactNode } from 'react';

const count = (n: number) => n.toLocaleString('en-US');

function shapeText(shape: (number | null)[]): string {
  return `(${shape.map((d) => d ?? 'None').join(', ')})`;
}

function LayerRows({ layers }: { layers: LayerSummary[] }) {
  return layers.map((layer) => (
    <tr key={layer.name} data-layer={layer.name}>
      <td className="mono wrap-anywhere">{layer.name}</td>
      <td>{layer.kind}</td>
      <td className="mono">{shapeText(layer.outputShape)}</td>
      <td className="num">{count(layer.params)}</td>
      <td>{layerTrainingRole(layer)}</td>
    </tr>
  ));
}

function Table({ children }: { children: ReactNode }) {
  return (
    <table className="data model-summary">
      <thead>
        <tr>
          <th>Layer</th>
          <th>Kind</th>
          <th>Output shape</th>
          <th className="num">Params</th>
          <th>Trains</th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function ModelSummaryPanel({ summary }: { summary: ModelSummary }) {
  const backbone = summary.layers.filter((layer) => layer.backbone);
  const rest = summary.layers.filter((layer) => !layer.backbone);
  const backboneParams = backbone.reduce((sum, layer) => sum + layer.params, 0);
  const fineTuned = backbone.filter((layer) => layer.fineTuned).length;
  return (
    <section className="panel" data-testid="model-summary">
      <h2>Model: {summary.name}</h2>
      <dl className="kv">
        <dt>total params</dt>
        <dd data-testid="total-params">{count(summary.totalParams)}</dd>
        <dt>trainable</dt>
        <dd>{count(summary.trainableParams)}</dd>
        <dt>non-trainable</dt>
        <dd>{count(summary.nonTrainableParams)}</dd>
        {summary.fineTunedParams > 0 && (
          <>
            <dt>fine-tuning also trains</dt>
            <dd>{count(summary.fineTunedParams)}</dd>
          </>
        )}
      </dl>
      {backbone.length > 0 && (
        <details className="backbone-layers" data-testid="backbone-layers">
          <summary>
            Pretrained backbone: {backbone.length} layers, {count(backboneParams)} params, frozen
            {fineTuned > 0 && ` (fine-tuning unfreezes the last ${fineTuned})`}
          </summary>
          <div className="table-wrap">
            <Table>
              <LayerRows layers={backbone} />
            </Table>
          </div>
        </details>
      )}
      <div className="table-wrap">
        <Table>
          <LayerRows layers={rest} />
        </Table>
      </div>
    </section>
  );
}
