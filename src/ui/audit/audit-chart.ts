// Owns the geometry of the Audit screen's activity chart: bars per day stacked by action group, the y scale and a few
// date labels, as plain numbers the SVG markup draws (no style attributes: the CSP forbids them; colours are classes).

import type { DayBucket } from '../../vault';

/** Actions are drawn in six groups, bottom to top in this order; each group is one CSS class (.a-use, .a-key…). */
export const ACTION_GROUPS = [
  { id: 'use', label: 'Key use (reveal, copy, export)' },
  { id: 'key', label: 'Key changes' },
  { id: 'unlock', label: 'Unlocks' },
  { id: 'lock', label: 'Locks' },
  { id: 'backup', label: 'Backups' },
  { id: 'other', label: 'Other' },
] as const;
export type ActionGroup = (typeof ACTION_GROUPS)[number]['id'];

/** Which group an action is drawn in; actions this version does not know go to "other". */
export function actionGroup(action: string): ActionGroup {
  if (action === 'key.reveal' || action === 'key.copy' || action === 'key.export' || action === 'key.export.plain') return 'use';
  if (action.startsWith('key.')) return 'key';
  if (action === 'unlock' || action === 'unlock.failed') return 'unlock';
  if (action === 'lock' || action === 'lock.auto') return 'lock';
  if (action.startsWith('backup.')) return 'backup';
  return 'other';
}

export interface ChartBox {
  /** viewBox size. */
  width: number;
  height: number;
  /** Room for the y labels on the left and the date labels below. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const DEFAULT_BOX: Readonly<ChartBox> = Object.freeze({ width: 720, height: 220, left: 40, right: 20, top: 10, bottom: 26 });

export interface ChartSegment {
  group: ActionGroup;
  count: number;
  y: number;
  height: number;
}

export interface ChartBar {
  day: number;
  total: number;
  x: number;
  width: number;
  segments: ChartSegment[];
}

export interface ChartGeometry {
  box: ChartBox;
  /** Bottom of the plot (the x axis) and its left and right ends. */
  baseline: number;
  plotLeft: number;
  plotRight: number;
  /** The value at the top of the scale: a "nice" number at least as large as the busiest day. */
  max: number;
  bars: ChartBar[];
  yTicks: { value: number; y: number }[];
  /** A few days to label on the x axis (at most `maxLabels`), with the x of their bar's centre. */
  xLabels: { day: number; x: number }[];
}

/** 1, 2, 5, 10, 20, 50… at least `n` (and at least 1). */
export function niceCeiling(n: number): number {
  if (!(n > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

/**
 * Lays out one bar per day. Bars get a gap while there is room (a few pixels per day); with many days (up to a
 * year or more) they touch and thin out. A single day's bar is capped so it does not fill the chart.
 */
export function chartGeometry(days: readonly DayBucket[], box: ChartBox = DEFAULT_BOX, maxLabels = 6): ChartGeometry {
  const plotLeft = box.left;
  const plotRight = box.width - box.right;
  const baseline = box.height - box.bottom;
  const plotHeight = baseline - box.top;
  const plotWidth = plotRight - plotLeft;
  const busiest = days.reduce((m, d) => Math.max(m, d.total), 0);
  const max = niceCeiling(busiest);
  const scale = plotHeight / max;
  const n = days.length;
  const slot = n > 0 ? plotWidth / n : plotWidth;
  const width = Math.min(slot >= 4 ? slot * 0.75 : slot, 48);
  const bars: ChartBar[] = days.map((d, i) => {
    const x = plotLeft + i * slot + (slot - width) / 2;
    const counts = new Map<ActionGroup, number>();
    for (const [action, count] of Object.entries(d.byAction)) {
      const group = actionGroup(action);
      counts.set(group, (counts.get(group) ?? 0) + count);
    }
    let stacked = 0;
    const segments: ChartSegment[] = [];
    for (const { id } of ACTION_GROUPS) {
      const count = counts.get(id) ?? 0;
      if (count === 0) continue;
      const y = baseline - (stacked + count) * scale;
      segments.push({ group: id, count, y: round(y), height: round(count * scale) });
      stacked += count;
    }
    return { day: d.day, total: d.total, x: round(x), width: round(width), segments };
  });
  const yTicks = [0, max / 2, max].filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i).map((value) => ({ value, y: round(baseline - value * scale) }));
  const xLabels: { day: number; x: number }[] = [];
  if (n > 0) {
    const step = Math.max(1, Math.ceil(n / Math.max(1, maxLabels)));
    for (let i = 0; i < n; i += step) xLabels.push({ day: days[i]!.day, x: round(plotLeft + i * slot + slot / 2) });
  }
  return { box, baseline, plotLeft, plotRight, max, bars, yTicks, xLabels };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
