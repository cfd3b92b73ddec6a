/**
 * Sizes and orders that keep the comparison charts legible whatever the number of runs or classes:
 * labels never overlap, and legends and tooltips list series in the order they are drawn.
 */

/**
 * Orders legend and tooltip items like the series (recharts sorts them by name unless told).
 * Items not in `keys` go last.
 */
export function inSeriesOrder(keys: readonly string[]): (item: { dataKey?: unknown }) => number {
  return (item) => {
    const index = typeof item.dataKey === 'string' ? keys.indexOf(item.dataKey) : -1;
    return index === -1 ? keys.length : index;
  };
}

/** The final-accuracy chart has one band per run, tall enough for 3 bars and a 2-line label. */
export function finalAccuracyHeight(runCount: number): number {
  return 80 + 52 * Math.max(1, runCount);
}

/** Width of one character of the 11 px tick font, generously (a wide glyph counts). */
const TICK_CHAR_PX = 6.5;
/** Line height of the 11 px tick font. */
const TICK_LINE_PX = 14;
/** The narrowest plot the per-class chart gets: full width at a 1024 px viewport. */
const MIN_CLASS_PLOT_PX = 800;

/**
 * The per-class chart's class-name ticks: slanted (-35°) while each label's box fits its share of the
 * axis, upright (-90°) otherwise, since an upright label is only one line wide; the axis is as tall as
 * the longest name needs.
 */
export function classTickLayout(classNames: readonly string[]): { angle: number; height: number } {
  const longest = Math.max(0, ...classNames.map((name) => name.length)) * TICK_CHAR_PX;
  const share = MIN_CLASS_PLOT_PX / Math.max(1, classNames.length);
  const slant = (35 * Math.PI) / 180;
  // The on-screen box of a slanted label: its length and its line height, both turned by 35°.
  const slantedWidth = Math.cos(slant) * longest + Math.sin(slant) * TICK_LINE_PX;
  if (slantedWidth + 4 <= share)
    return { angle: -35, height: Math.ceil(Math.sin(slant) * longest + TICK_LINE_PX + 8) };
  return { angle: -90, height: Math.ceil(longest + 12) };
}
