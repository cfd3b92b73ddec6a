/** The report's charts and confusion matrices as PNG files (the Markdown report's figures). */
import { CHART_SIZE, chartFrame, tickLabel, type Chart } from './chart-model.ts';
import { hexColour, PngCanvas } from './png-canvas.ts';

const AXIS = hexColour('#555555');
const GRID = hexColour('#e3e3e3');
const INK = hexColour('#222222');

/** A chart at twice the SVG's size, so it stays sharp on a high-density screen. */
export function chartPng(chart: Chart): Buffer {
  const scale = 2;
  const frame = chartFrame(chart);
  const canvas = new PngCanvas(CHART_SIZE.width * scale, CHART_SIZE.height * scale);
  const s = (value: number) => value * scale;
  for (const tick of frame.yTicks) {
    const y = s(frame.py(tick));
    canvas.line(s(frame.left), y, s(frame.right), y, GRID, 1);
    canvas.text(tickLabel(tick, frame.yTicks), s(frame.left - 6), y - 5, INK, 2, 'right');
  }
  for (const tick of frame.xTicks) {
    const x = s(frame.px(tick));
    canvas.line(x, s(frame.bottom), x, s(frame.bottom + 4), AXIS, 2);
    canvas.text(String(tick), x, s(frame.bottom + 8), INK, 2, 'centre');
  }
  if (chart.kind === 'line') {
    for (const series of chart.series) {
      const colour = hexColour(series.colour);
      const points = series.points.map((p) => [s(frame.px(p.x)), s(frame.py(p.y))] as const);
      if (points.length === 1) {
        const [x, y] = points[0] ?? [0, 0];
        canvas.fillRect(x - 4, y - 4, 8, 8, colour);
      }
      for (let i = 1; i < points.length; i += 1) {
        const [x0, y0] = points[i - 1] ?? [0, 0];
        const [x1, y1] = points[i] ?? [0, 0];
        canvas.line(x0, y0, x1, y1, colour, 4, series.dashed ? 10 : 0);
      }
    }
  } else {
    const slot = (frame.right - frame.left) / Math.max(chart.bars.length, 1);
    const width = Math.min(slot * 0.7, 60);
    chart.bars.forEach((bar, index) => {
      const x = frame.left + slot * index + (slot - width) / 2;
      const y = frame.py(bar.value);
      canvas.fillRect(s(x), s(y), s(width), s(frame.bottom - y), hexColour(bar.colour));
      canvas.text(
        `${(bar.value * 100).toFixed(1)}%`,
        s(x + width / 2),
        s(y) - 14,
        INK,
        2,
        'centre',
      );
    });
  }
  canvas.line(s(frame.left), s(frame.bottom), s(frame.right), s(frame.bottom), AXIS, 2);
  canvas.line(s(frame.left), s(frame.top), s(frame.left), s(frame.bottom), AXIS, 2);
  return canvas.encode();
}

/** A confusion matrix as a heat map (rows = true class, columns = predicted), counts in each cell. */
export function confusionMatrixPng(matrix: readonly (readonly number[])[]): Buffer {
  const classes = matrix.length;
  const cell = classes <= 12 ? 36 : classes <= 30 ? 20 : 10;
  const canvas = new PngCanvas(cell * classes + 2, cell * classes + 2);
  const largest = Math.max(1, ...matrix.flat());
  matrix.forEach((row, r) =>
    row.forEach((count, c) => {
      const shade = count / largest;
      // White → the report's blue; the diagonal (right answers) in green.
      const [tr, tg, tb] = r === c ? [0, 158, 115] : [0, 114, 178];
      const colour = [
        Math.round(255 + (tr - 255) * shade),
        Math.round(255 + (tg - 255) * shade),
        Math.round(255 + (tb - 255) * shade),
      ] as const;
      canvas.fillRect(1 + c * cell, 1 + r * cell, cell - 1, cell - 1, colour);
      if (cell >= 20)
        canvas.text(
          String(count),
          1 + c * cell + cell / 2,
          1 + r * cell + cell / 2 - 5,
          shade > 0.55 ? [255, 255, 255] : INK,
          cell >= 36 ? 2 : 1,
          'centre',
        );
    }),
  );
  return canvas.encode();
}
