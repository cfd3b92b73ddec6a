/**
 * Layout checks for the browser tests: what sticks out of its box, which labels overlap, which table
 * headers are scrolled out of sight. Each returns one description per problem ([] when none), so a test
 * can `expect(await check(page, …)).toEqual([])` and read what is wrong from the failure.
 *
 * The page functions run in the browser: they reference nothing outside themselves (Playwright sends
 * their source), hence their inner helpers.
 */
import type { Page } from 'playwright-core';

/** Pixels a box may stick out before it counts (subpixel layout rounds). */
const TOLERANCE_PX = 1;

/**
 * Elements under `rootSelector` that do not fit their container:
 * - a box past the left or right edge of its container (its nearest block ancestor; the offsetParent
 *   when absolutely positioned; the outer <svg> for SVG content, which the svg would clip);
 * - text running past the right edge of the block it sits in (a long unbreakable word);
 * - an element that clips or scrolls sideways (overflow-x not visible) whose content is wider than
 *   it: scrollWidth > clientWidth.
 * Skipped: elements marked `data-scrolls` (meant to scroll) and everything inside them, hidden
 * elements, and text cut with an ellipsis whose full text is in a title (a deliberate cut).
 */
export async function overflowingElements(page: Page, rootSelector: string): Promise<string[]> {
  return page.evaluate(
    ({ rootSelector, tolerance }) => {
      const root = document.querySelector(rootSelector);
      if (!root) throw new Error(`overflowingElements: nothing matches ${rootSelector}`);

      const describe = (el: Element): string => {
        const id = el.id ? `#${el.id}` : '';
        const classes = [...el.classList]
          .slice(0, 2)
          .map((name) => `.${name}`)
          .join('');
        const testId = el.getAttribute('data-testid');
        const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
        return `${el.tagName.toLowerCase()}${id}${classes}${testId ? `[data-testid="${testId}"]` : ''}${text ? ` "${text}"` : ''}`;
      };
      const isShown = (el: Element): boolean => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== 'hidden' && (box.width > 0 || box.height > 0);
      };
      const isInline = (el: Element): boolean =>
        ['inline', 'contents'].includes(getComputedStyle(el).display);
      // An HTML element that clips or scrolls sideways is judged by its scrollWidth, not its children.
      const clips = (el: Element): boolean =>
        el instanceof HTMLElement && getComputedStyle(el).overflowX !== 'visible';
      /** The inner edges (inside borders) an element's content has to stay within. */
      const innerEdges = (el: Element): { left: number; right: number } => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return {
          left: box.left + parseFloat(style.borderLeftWidth || '0'),
          right: box.right - parseFloat(style.borderRightWidth || '0'),
        };
      };
      // Zero-width boxes that let content overflow on purpose (recharts' ResponsiveContainer wraps
      // its chart in one so the chart can shrink) are not containers: look through them.
      const zeroWidthWrapper = (el: Element): boolean =>
        el.getBoundingClientRect().width === 0 && getComputedStyle(el).overflowX === 'visible';
      const blockAncestor = (el: Element): Element | null => {
        let parent = el.parentElement;
        while (parent && (isInline(parent) || zeroWidthWrapper(parent)))
          parent = parent.parentElement;
        return parent;
      };
      const containerOf = (el: Element): Element | null => {
        if (el instanceof SVGElement && el.ownerSVGElement) {
          let svg = el.ownerSVGElement;
          while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
          return svg;
        }
        const position = getComputedStyle(el).position;
        if (position === 'fixed') return null;
        if (position === 'absolute') return el instanceof HTMLElement ? el.offsetParent : null;
        return blockAncestor(el);
      };
      const inRoot = (el: Element | null): el is Element => el !== null && root.contains(el);
      // Content of an element meant to scroll may reach past its edges.
      const insideScroller = (el: Element): boolean =>
        inRoot(el.parentElement?.closest('[data-scrolls]') ?? null);
      const deliberateCut = (el: Element): boolean =>
        getComputedStyle(el).textOverflow === 'ellipsis' &&
        el.closest('[title]:not([title=""])') !== null;

      const problems: string[] = [];
      for (const el of root.querySelectorAll('*')) {
        if (insideScroller(el) || !isShown(el)) continue;

        // Its box against its container's (inline HTML boxes are judged by their text below).
        const container = isInline(el) && !(el instanceof SVGElement) ? null : containerOf(el);
        if (inRoot(container) && !clips(container)) {
          const box = el.getBoundingClientRect();
          const edges = innerEdges(container);
          if (box.right > edges.right + tolerance)
            problems.push(
              `${describe(el)}: right edge ${box.right.toFixed(1)} past ${describe(container)} at ${edges.right.toFixed(1)}`,
            );
          else if (box.left < edges.left - tolerance)
            problems.push(
              `${describe(el)}: left edge ${box.left.toFixed(1)} before ${describe(container)} at ${edges.left.toFixed(1)}`,
            );
        }

        if (!(el instanceof HTMLElement)) continue;
        // What it clips or scrolls.
        if (
          clips(el) &&
          !isInline(el) &&
          !el.hasAttribute('data-scrolls') &&
          el.scrollWidth > el.clientWidth + tolerance &&
          !deliberateCut(el)
        )
          problems.push(
            `${describe(el)}: content ${el.scrollWidth}px wide in ${el.clientWidth}px (cut or scrolled sideways)`,
          );
        // Its own text against the block it flows in.
        const block = isInline(el) ? blockAncestor(el) : el;
        if (!block || (block !== root && !inRoot(block)) || clips(block)) continue;
        const edges = innerEdges(block);
        for (const node of el.childNodes) {
          if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const right = range.getBoundingClientRect().right;
          if (right > edges.right + tolerance)
            problems.push(
              `${describe(el)}: text runs to ${right.toFixed(1)}, past ${describe(block)} at ${edges.right.toFixed(1)}`,
            );
        }
      }
      return problems;
    },
    { rootSelector, tolerance: TOLERANCE_PX },
  );
}

/**
 * Pairs of the elements matching `selector` whose boxes intersect (by more than the tolerance both
 * ways), e.g. a chart's tick labels: `[data-chart="final-accuracy"] .recharts-cartesian-axis-tick-value`.
 * Boxes come from getBoundingClientRect, which for rotated SVG text is the upright box around it.
 */
export async function overlappingBoxes(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements, tolerance) => {
    // A label's visible text: an SVG <title> child is its tooltip, not drawn.
    const labelOf = (el: Element): string =>
      [...el.childNodes]
        .filter((node) => !(node instanceof Element && node.tagName.toLowerCase() === 'title'))
        .map((node) => node.textContent ?? '')
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
    const shown = elements
      .map((el) => ({ label: labelOf(el), box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && box.height > 0);
    const problems: string[] = [];
    shown.forEach((a, i) => {
      for (const b of shown.slice(i + 1)) {
        const overlapX = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const overlapY = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (overlapX > tolerance && overlapY > tolerance)
          problems.push(
            `"${a.label}" overlaps "${b.label}" by ${overlapX.toFixed(1)}×${overlapY.toFixed(1)} px`,
          );
      }
    });
    return problems;
  }, TOLERANCE_PX);
}

/**
 * Header cells (the first row's) of the table matching `tableSelector` whose right edge lies beyond
 * what can be seen without scrolling sideways: the nearest ancestor that scrolls or clips sideways,
 * or else the viewport. Each is described by its text and its `data-run-column`, if any.
 */
export async function hiddenByHorizontalScroll(
  page: Page,
  tableSelector: string,
): Promise<string[]> {
  return page.evaluate(
    ({ tableSelector, tolerance }) => {
      const table = document.querySelector(tableSelector);
      if (!(table instanceof HTMLTableElement))
        throw new Error(`hiddenByHorizontalScroll: no table matches ${tableSelector}`);
      let visibleRight = document.documentElement.clientWidth;
      for (let el = table.parentElement; el; el = el.parentElement) {
        if (getComputedStyle(el).overflowX !== 'visible') {
          const box = el.getBoundingClientRect();
          visibleRight = Math.min(visibleRight, box.left + el.clientLeft + el.clientWidth);
          break;
        }
      }
      const header = table.rows[0];
      if (!header) return [];
      return [...header.cells]
        .filter((cell) => cell.getBoundingClientRect().right > visibleRight + tolerance)
        .map((cell) => {
          const run = cell.getAttribute('data-run-column');
          const text = (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
          return `"${text}"${run ? ` (data-run-column=${run})` : ''}: right edge ${cell.getBoundingClientRect().right.toFixed(1)} beyond ${visibleRight.toFixed(1)}`;
        });
    },
    { tableSelector, tolerance: TOLERANCE_PX },
  );
}
