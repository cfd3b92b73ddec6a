'use client';
/** The confusion matrix as a heatmap (rows: true class, columns: predicted). Cells are buttons. */

interface ConfusionMatrixProps {
  classNames: string[];
  matrix: number[][];
  selected: { actual: number; predicted: number } | null;
  onSelect: (cell: { actual: number; predicted: number }) => void;
}

const CELL = 38;
/** Above this many classes the matrix scrolls instead of shrinking. */
const SHRINK_MAX_CLASSES = 20;
const LABEL_WIDTH = 110;
const HEADER_HEIGHT = 96;

/** Colour by the row's share (recall-normalised), so rare classes are as readable as common ones. */
function cellColour(share: number, diagonal: boolean): string {
  const alpha = Math.min(1, 0.08 + share * 0.92);
  return diagonal
    ? `rgba(47, 111, 222, ${alpha})`
    : `rgba(192, 57, 43, ${share === 0 ? 0.03 : Math.min(1, 0.12 + share * 1.6)})`;
}

export function ConfusionMatrix({ classNames, matrix, selected, onSelect }: ConfusionMatrixProps) {
  const n = classNames.length;
  const width = LABEL_WIDTH + n * CELL + 70; // room for the last rotated column label
  const height = HEADER_HEIGHT + n * CELL + 4;
  return (
    // Up to 20 classes the matrix shrinks to fit its panel; beyond, cells would be too small to read,
    // so it keeps its size and scrolls sideways.
    <div className="confusion" data-scrolls={n > SHRINK_MAX_CLASSES || undefined}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        style={
          n > SHRINK_MAX_CLASSES ? undefined : { width: '100%', maxWidth: width, height: 'auto' }
        }
        role="grid"
        aria-label="Confusion matrix: rows are true classes, columns predicted"
        data-testid="confusion-matrix"
      >
        {classNames.map((name, c) => (
          <text
            key={`col-${name}`}
            transform={`translate(${LABEL_WIDTH + c * CELL + CELL / 2 + 4}, ${HEADER_HEIGHT - 6}) rotate(-50)`}
            textAnchor="start"
          >
            {name}
          </text>
        ))}
        {matrix.map((row, r) => {
          const rowTotal = row.reduce((a, b) => a + b, 0);
          return (
            <g key={`row-${r}`} role="row">
              <text
                x={LABEL_WIDTH - 6}
                y={HEADER_HEIGHT + r * CELL + CELL / 2 + 4}
                textAnchor="end"
              >
                {classNames[r]}
              </text>
              {row.map((count, c) => {
                const share = rowTotal > 0 ? count / rowTotal : 0;
                const isSelected = selected?.actual === r && selected.predicted === c;
                return (
                  <g key={`cell-${r}-${c}`} role="gridcell">
                    <rect
                      className={`cell${isSelected ? ' selected' : ''}`}
                      data-actual={r}
                      data-predicted={c}
                      data-actual-label={classNames[r]}
                      data-predicted-label={classNames[c]}
                      data-count={count}
                      x={LABEL_WIDTH + c * CELL}
                      y={HEADER_HEIGHT + r * CELL}
                      width={CELL}
                      height={CELL}
                      fill={cellColour(share, r === c)}
                      tabIndex={0}
                      onClick={() => onSelect({ actual: r, predicted: c })}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ')
                          onSelect({ actual: r, predicted: c });
                      }}
                    >
                      <title>{`true ${classNames[r]} → predicted ${classNames[c]}: ${count}`}</title>
                    </rect>
                    <text
                      x={LABEL_WIDTH + c * CELL + CELL / 2}
                      y={HEADER_HEIGHT + r * CELL + CELL / 2 + 4}
                      textAnchor="middle"
                      pointerEvents="none"
                      style={{ fill: r === c && share > 0.55 ? '#fff' : undefined }}
                    >
                      {count}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <p className="muted small">
        Rows: true class · columns: predicted class · click a cell to see its test images.
      </p>
    </div>
  );
}
