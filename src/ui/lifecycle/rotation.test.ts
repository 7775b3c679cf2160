import { describe, expect, it } from 'vitest';
import { ROTATION_PRESETS } from '../../vault';
import { DEFAULT_ROTATION_DRAFT, describePolicy, draftFor, periodFrom, ROTATION_CHOICES } from './rotation';

describe('rotation period control', () => {
  it('offers every preset, custom and none, and starts at the vault default of 90 days', () => {
    expect(ROTATION_CHOICES.map((c) => c.value)).toEqual([...ROTATION_PRESETS.map(String), 'custom', 'none']);
    expect(ROTATION_CHOICES.map((c) => c.label)).toEqual(['30 days', '90 days', '180 days', '365 days', 'Custom…', 'No rotation']);
    expect(DEFAULT_ROTATION_DRAFT).toEqual({ choice: '90', customDays: null });
  });

  it('round-trips a stored period through the control', () => {
    for (const days of [null, 1, 30, 45, 90, 365, 3650]) expect(periodFrom(draftFor(days))).toBe(days);
    expect(draftFor(45)).toEqual({ choice: 'custom', customDays: 45 });
    expect(draftFor(null)).toEqual({ choice: 'none', customDays: null });
  });

  it('refuses custom periods outside 1–3650 whole days', () => {
    for (const bad of [null, 0, -1, 3651, 1.5, Number.NaN]) expect(periodFrom({ choice: 'custom', customDays: bad }), String(bad)).toBe('invalid');
    expect(periodFrom({ choice: '180', customDays: 9999 })).toBe(180);
  });

  it('describes a policy in words', () => {
    expect(describePolicy({ periodDays: 90, auto: true })).toBe('Every 90 days, automatic');
    expect(describePolicy({ periodDays: 1, auto: false })).toBe('Every day');
    expect(describePolicy({ periodDays: null, auto: false })).toBe('No rotation period');
  });
});
