/** The report's charts as inline SVG: text stays text, so the HTML report prints sharp and is searchable. */
import {
  CHART_SIZE,
  chartFrame,
  tickLabel,
  type BarChart,
  type Chart,
  type ChartFrame,
  type LineChart,
} from './chart-model.ts';
import { escapeHtml } from './html-escape.ts';

const round = (value: number) => Math.round(value * 10) / 10;

function axes(frame: ChartFrame, chart: Chart): string[] {
  const parts: string[] = [];
  for (const tick of frame.yTicks) {
    const y = round(frame.py(tick));
    parts.push(
      `<line x1="${frame.left}" x2="${frame.right}" y1="${y}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text x="${frame.left - 6}" y="${y + 4}" text-anchor="end">${tickLabel(tick, frame.yTicks)}</text>`,
    );
  }
  for (const tick of frame.xTicks) {
    const x = round(frame.px(tick));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${frame.bottom}" y2="${frame.bottom + 4}" stroke="#555"/>`,
      `<text x="${x}" y="${frame.bottom + 16}" text-anchor="middle">${tick}</text>`,
    );
  }
  parts.push(
    `<line x1="${frame.left}" x2="${frame.right}" y1="${frame.bottom}" y2="${frame.bottom}" stroke="#555"/>`,
    `<line x1="${frame.left}" x2="${frame.left}" y1="${frame.top}" y2="${frame.bottom}" stroke="#555"/>`,
    `<text x="12" y="${round((frame.top + frame.bottom) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${round((frame.top + frame.bottom) / 2)})">${escapeHtml(chart.yLabel)}</text>`,
    `<text x="${CHART_SIZE.width / 2}" y="18" text-anchor="middle" class="chart-title">${escapeHtml(chart.title)}</text>`,
  );
  if (chart.kind === 'line')
    parts.push(
      `<text x="${round((frame.left + frame.right) / 2)}" y="${frame.bottom + 30}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`,
    );
  return parts;
}

function lineMarks(chart: LineChart, frame: ChartFrame): string[] {
  const parts: string[] = [];
  for (const series of chart.series) {
    const points = series.points.map((p) => `${round(frame.px(p.x))},${round(frame.py(p.y))}`);
    if (points.length === 1) {
      const [x, y] = (points[0] ?? '0,0').split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${series.colour}"/>`);
    } else if (points.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${series.colour}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''} points="${points.join(' ')}"/>`,
      );
    }
  }
  // The legend below the x-axis label, wrapping onto a second row when needed.
  let x = frame.left;
  let y = frame.bottom + 46;
  for (const series of chart.series) {
    const width = 26 + Math.min(series.label.length, 40) * 6.2;
    if (x + width > CHART_SIZE.width && x > frame.left) {
      x = frame.left;
      y += 14;
    }
    parts.push(
      `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${series.colour}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${x + 22}" y="${y}">${escapeHtml(series.label.slice(0, 40))}</text>`,
    );
    x += width + 10;
  }
  return parts;
}

function barMarks(chart: BarChart, frame: ChartFrame): string[] {
  const slot = (frame.right - frame.left) / Math.max(chart.bars.length, 1);
  const width = Math.min(slot * 0.7, 60);
  return chart.bars.flatMap((bar, index) => {
    const x = round(frame.left + slot * index + (slot - width) / 2);
    const y = round(frame.py(bar.value));
    const centre = round(x + width / 2);
    return [
      `<rect x="${x}" y="${y}" width="${round(width)}" height="${round(frame.bottom - y)}" fill="${bar.colour}"/>`,
      `<text x="${centre}" y="${y - 4}" text-anchor="middle">${(bar.value * 100).toFixed(1)}%</text>`,
      `<text x="${centre}" y="${frame.bottom + 14}" text-anchor="end" transform="rotate(-30 ${centre} ${frame.bottom + 14})">${escapeHtml(bar.label.slice(0, 24))}</text>`,
    ];
  });
}

/** One chart as an `<svg>` element sized for a two-column grid (it scales with its container). */
export function chartSvg(chart: Chart): string {
  const frame = chartFrame(chart);
  const marks = chart.kind === 'line' ? lineMarks(chart, frame) : barMarks(chart, frame);
  return [
    `<svg viewBox="0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}" role="img" aria-label="${escapeHtml(chart.title)}" class="chart">`,
    ...axes(frame, chart),
    ...marks,
    '</svg>',
  ].join('');
}
