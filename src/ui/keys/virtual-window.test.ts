import { describe, expect, it } from 'vitest';
import { moveIndex, scrollToShow, visibleRange } from './virtual-window';

describe('visibleRange', () => {
  const base = { count: 10_000, rowHeight: 80, viewportHeight: 400, overscan: 5 };

  it('renders the rows in view plus the overscan, clamped at the top', () => {
    expect(visibleRange({ ...base, scrollTop: 0 })).toEqual({ start: 0, end: 10 });
  });

  it('follows the scroll position', () => {
    // Rows 100…105 are in view (8000 / 80 = 100; 8400 / 80 = 105).
    expect(visibleRange({ ...base, scrollTop: 8000 })).toEqual({ start: 95, end: 110 });
    // Half a row scrolled: row 100 is partly visible, row 105 too.
    expect(visibleRange({ ...base, scrollTop: 8040 })).toEqual({ start: 95, end: 111 });
  });

  it('is clamped at the end and for short lists', () => {
    expect(visibleRange({ ...base, scrollTop: 10_000 * 80 })).toEqual({ start: 9995, end: 10_000 });
    expect(visibleRange({ ...base, count: 3, scrollTop: 0 })).toEqual({ start: 0, end: 3 });
    expect(visibleRange({ ...base, count: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0 });
  });

  it('survives a stale scroll position after the list shrank (e.g. a search)', () => {
    expect(visibleRange({ ...base, count: 12, scrollTop: 50_000 })).toEqual({ start: 12, end: 12 });
    expect(visibleRange({ ...base, scrollTop: -30 })).toEqual({ start: 0, end: 10 });
  });
});

describe('scrollToShow', () => {
  it('does not move when the row is fully visible', () => {
    expect(scrollToShow(3, 80, 0, 400)).toBe(0);
  });
  it('scrolls up to a row above the view, and down just enough for a row below it', () => {
    expect(scrollToShow(2, 80, 800, 400)).toBe(160);
    expect(scrollToShow(10, 80, 0, 400)).toBe(480);
  });
});

describe('moveIndex', () => {
  it.each<[string, number, number | null]>([
    ['ArrowDown', 4, 5],
    ['ArrowUp', 4, 3],
    ['ArrowUp', 0, 0],
    ['ArrowDown', 9, 9],
    ['Home', 4, 0],
    ['End', 4, 9],
    ['PageDown', 1, 5],
    ['PageUp', 8, 4],
    ['PageDown', 8, 9],
    ['a', 4, null],
  ])('%s from %i of 10 → %j', (key, from, to) => {
    expect(moveIndex(key, from, 10, 5)).toBe(to);
  });
  it('does nothing in an empty list', () => {
    expect(moveIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });
});
