// Owns the arithmetic of a virtualised list of fixed-height rows: which rows to render for a scroll
// position, where a row sits, how far to scroll to show one, and where keyboard moves go.

export interface WindowInput {
  count: number;
  /** Height of one row in CSS pixels, gap included. */
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows rendered beyond each edge of the viewport, so a fast scroll does not show blank space. */
  overscan: number;
}

/** The rows [start, end) to render. */
export function visibleRange({ count, rowHeight, scrollTop, viewportHeight, overscan }: WindowInput): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end };
}

/** The scrollTop that brings row `index` fully into view with the least movement (unchanged when it is). */
export function scrollToShow(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Where a navigation key moves the focus from row `index` of `count` (null: a key the list does not handle). */
export function moveIndex(key: string, index: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const page = Math.max(1, pageRows - 1);
  const to =
    key === 'ArrowDown' ? index + 1
    : key === 'ArrowUp' ? index - 1
    : key === 'Home' ? 0
    : key === 'End' ? count - 1
    : key === 'PageDown' ? index + page
    : key === 'PageUp' ? index - page
    : null;
  return to === null ? null : Math.min(count - 1, Math.max(0, to));
}
