import type { ClassScores, PerClassScores } from '@convlab/core/contracts';

function Row({
  label,
  scores,
  className,
}: {
  label: string;
  scores: ClassScores;
  className?: string;
}) {
  return (
    <tr className={className}>
      <td>{label}</td>
      <td className="num">{scores.precision.toFixed(3)}</td>
      <td className="num">{scores.recall.toFixed(3)}</td>
      <td className="num">{scores.f1.toFixed(3)}</td>
      <td className="num">{scores.support}</td>
    </tr>
  );
}

/** sklearn-style classification report: one row per class, then macro and weighted averages. */
export function ClassificationReport(props: {
  perClass: PerClassScores[];
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
}) {
  return (
    <table className="data" data-testid="classification-report">
      <thead>
        <tr>
          <th>Class</th>
          <th className="num">Precision</th>
          <th className="num">Recall</th>
          <th className="num">F1</th>
          <th className="num">Support</th>
        </tr>
      </thead>
      <tbody>
        {props.perClass.map((scores) => (
          <Row key={scores.label} label={scores.label} scores={scores} />
        ))}
        <Row label="macro avg" scores={props.macroAvg} className="summary" />
        <Row label="weighted avg" scores={props.weightedAvg} className="summary" />
      </tbody>
    </table>
  );
}
