import { describe, expect, it } from 'vitest';
import { addDays, allowedTransitions, DAY_MS, dueStatus, isLegalTransition, nextRotationAt, stateAllows } from './lifecycle';
import { KEY_STATES, type KeyState } from './types';

describe('state transitions (NIST SP 800-57)', () => {
  // The whole table, spelled out: any change to the rules must change this test.
  const legal: Record<KeyState, KeyState[]> = {
    'pre-activation': ['active', 'compromised'],
    active: ['suspended', 'deactivated', 'compromised'],
    suspended: ['active', 'deactivated', 'compromised'],
    deactivated: ['compromised'],
    compromised: [],
    destroyed: [],
  };
  for (const from of KEY_STATES) {
    for (const to of KEY_STATES) {
      const ok = legal[from].includes(to);
      it(`${from} → ${to} is ${ok ? 'legal' : 'illegal'}`, () => {
        expect(isLegalTransition(from, to)).toBe(ok);
      });
    }
  }
  it('offers exactly the legal targets', () => {
    for (const s of KEY_STATES) expect([...allowedTransitions(s)]).toEqual(legal[s]);
  });
});

describe('what each state allows', () => {
  it.each<[KeyState, boolean, boolean, boolean]>([
    // state, reveal, rotate, export public
    ['pre-activation', false, false, true],
    ['active', true, true, true],
    ['suspended', false, false, true],
    ['deactivated', true, false, true],
    ['compromised', true, true, true],
    ['destroyed', false, false, false],
  ])('%s: reveal %s, rotate %s, export public %s', (state, reveal, rotate, pub) => {
    expect(stateAllows(state, 'reveal', false)).toBe(reveal);
    expect(stateAllows(state, 'rotate', false)).toBe(rotate);
    expect(stateAllows(state, 'export-public', false)).toBe(pub);
  });

  it('a key scheduled for destruction is not used, though its metadata can still be edited', () => {
    expect(stateAllows('active', 'reveal', true)).toBe(false);
    expect(stateAllows('active', 'rotate', true)).toBe(false);
    expect(stateAllows('active', 'edit', true)).toBe(true);
  });
});

describe('due dates', () => {
  const at = (iso: string) => Date.parse(iso);

  it('adds exact days across a month end, a leap day and a non-leap February', () => {
    expect(new Date(addDays(at('2027-01-31T09:30:00Z'), 30)).toISOString()).toBe('2027-03-02T09:30:00.000Z');
    expect(new Date(addDays(at('2028-01-31T09:30:00Z'), 30)).toISOString()).toBe('2028-03-01T09:30:00.000Z');
    expect(new Date(addDays(at('2028-02-29T12:00:00Z'), 365)).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(new Date(addDays(at('2027-11-30T23:59:59Z'), 90)).toISOString()).toBe('2028-02-28T23:59:59.000Z');
  });

  it('does not move when the clocks change or the device changes time zone', () => {
    // Across the EU change to summer time (2027-03-28), 90 days stay 90 × 24 h.
    const start = at('2027-01-15T10:00:00Z');
    const due = addDays(start, 90);
    expect(due - start).toBe(90 * DAY_MS);
    // The same instant shows as different wall-clock dates in different zones; the instant itself is fixed.
    const fmt = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(due);
    expect(fmt('UTC')).toBe('2027-04-15');
    expect(fmt('Pacific/Kiritimati')).toBe('2027-04-16'); // UTC+14
    expect(fmt('Pacific/Pago_Pago')).toBe('2027-04-14'); // UTC−11
  });

  it('is due only for active keys with a period; a compromised key is due at once', () => {
    const policy = { periodDays: 90, auto: false };
    expect(nextRotationAt('active', policy, 1000, null)).toBe(1000 + 90 * DAY_MS);
    expect(nextRotationAt('active', { periodDays: null, auto: false }, 1000, null)).toBeNull();
    for (const s of ['pre-activation', 'suspended', 'deactivated', 'destroyed'] as const) expect(nextRotationAt(s, policy, 1000, null)).toBeNull();
    expect(nextRotationAt('compromised', policy, 1000, 5000)).toBe(5000);
  });

  it('badges: overdue at the due instant, due soon within 14 days, else ok', () => {
    const due = at('2027-06-01T00:00:00Z');
    expect(dueStatus(null, due)).toBe('none');
    expect(dueStatus(due, due)).toBe('overdue');
    expect(dueStatus(due, due - 1)).toBe('due-soon');
    expect(dueStatus(due, due - 14 * DAY_MS)).toBe('due-soon');
    expect(dueStatus(due, due - 14 * DAY_MS - 1)).toBe('ok');
  });
});
