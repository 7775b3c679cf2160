import { describe, expect, it } from 'vitest';
import { DAY_MS, type DayBucket } from '../../vault';
import { ACTION_GROUPS, actionGroup, chartGeometry, DEFAULT_BOX, niceCeiling } from './audit-chart';

const DAY0 = Date.UTC(2026, 0, 1);

function day(i: number, byAction: Record<string, number>): DayBucket {
  return { day: DAY0 + i * DAY_MS, total: Object.values(byAction).reduce((a, b) => a + b, 0), byAction };
}

describe('actionGroup', () => {
  it('groups every action into one of the six classes', () => {
    expect(actionGroup('key.reveal')).toBe('use');
    expect(actionGroup('key.copy')).toBe('use');
    expect(actionGroup('key.export')).toBe('use');
    expect(actionGroup('key.rotate')).toBe('key');
    expect(actionGroup('key.destruction.schedule')).toBe('key');
    expect(actionGroup('unlock')).toBe('unlock');
    expect(actionGroup('unlock.failed')).toBe('unlock');
    expect(actionGroup('lock.auto')).toBe('lock');
    expect(actionGroup('backup.restore')).toBe('backup');
    expect(actionGroup('vault.create')).toBe('other');
    expect(actionGroup('something.new')).toBe('other');
    expect(ACTION_GROUPS).toHaveLength(6);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 26, 51, 420, 1001].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100, 500, 2000]);
  });
});

describe('chartGeometry', () => {
  it('stacks segments from the baseline up, in group order, and their heights add up to the bar', () => {
    const g = chartGeometry([day(0, { 'key.reveal': 2, unlock: 1, 'vault.create': 1 }), day(1, {}), day(2, { lock: 5 })]);
    expect(g.max).toBe(5);
    const first = g.bars[0]!;
    expect(first.segments.map((s) => s.group)).toEqual(['use', 'unlock', 'other']);
    const plotHeight = g.baseline - DEFAULT_BOX.top;
    expect(first.segments[0]!.y + first.segments[0]!.height).toBeCloseTo(g.baseline, 1);
    for (let i = 1; i < first.segments.length; i++) expect(first.segments[i]!.y + first.segments[i]!.height).toBeCloseTo(first.segments[i - 1]!.y, 1);
    expect(first.segments.reduce((s, x) => s + x.height, 0)).toBeCloseTo((4 / 5) * plotHeight, 1);
    expect(g.bars[1]!.segments).toEqual([]);
    // The busiest day reaches the top of the scale.
    expect(g.bars[2]!.segments[0]!.y).toBeCloseTo(DEFAULT_BOX.top, 1);
  });

  it('keeps bars inside the plot and in day order, with a gap while there is room', () => {
    const days = Array.from({ length: 10 }, (_, i) => day(i, { unlock: i }));
    const g = chartGeometry(days);
    for (let i = 0; i < g.bars.length; i++) {
      const b = g.bars[i]!;
      expect(b.x).toBeGreaterThanOrEqual(g.plotLeft);
      expect(b.x + b.width).toBeLessThanOrEqual(g.plotRight + 0.01);
      if (i > 0) expect(b.x).toBeGreaterThan(g.bars[i - 1]!.x + g.bars[i - 1]!.width);
    }
  });

  it('thins bars out for a year of days and labels only a few dates', () => {
    const days = Array.from({ length: 365 }, (_, i) => day(i, { 'key.copy': i % 7 }));
    const g = chartGeometry(days);
    expect(g.bars).toHaveLength(365);
    expect(g.bars[0]!.width).toBeGreaterThan(0);
    expect(g.bars[0]!.width).toBeLessThan(2);
    expect(g.bars[364]!.x + g.bars[364]!.width).toBeLessThanOrEqual(g.plotRight + 0.01);
    expect(g.xLabels.length).toBeGreaterThan(1);
    expect(g.xLabels.length).toBeLessThanOrEqual(6);
    expect(g.xLabels[0]!.day).toBe(DAY0);
  });

  it('caps the bar of a single day and handles no data', () => {
    const one = chartGeometry([day(0, { unlock: 3 })]);
    expect(one.bars[0]!.width).toBe(48);
    expect(one.xLabels).toHaveLength(1);
    const none = chartGeometry([]);
    expect(none.bars).toEqual([]);
    expect(none.xLabels).toEqual([]);
    expect(none.max).toBe(1);
    expect(none.yTicks.map((t) => t.value)).toEqual([0, 1]);
  });

  it('labels the y axis at 0, half and the top when those are whole numbers', () => {
    expect(chartGeometry([day(0, { unlock: 9 })]).yTicks.map((t) => t.value)).toEqual([0, 5, 10]);
    const ticks = chartGeometry([day(0, { unlock: 9 })]).yTicks;
    expect(ticks[0]!.y).toBeGreaterThan(ticks[2]!.y);
  });
});
