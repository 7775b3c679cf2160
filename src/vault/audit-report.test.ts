import { describe, expect, it } from 'vitest';
import { buildReport, type ReportRow } from './audit-report';
import { DAY_MS } from './lifecycle';

// A hand-computed fixture: 10 entries over three UTC days (with one empty day between), two users, three keys.
const D1 = Date.UTC(2027, 0, 10);
const D3 = D1 + 2 * DAY_MS;
const D4 = D1 + 3 * DAY_MS;
const row = (seq: number, at: number, actor: string, action: string, keyId: string | null, outcome: ReportRow['outcome'] = 'ok'): ReportRow => ({ seq, at, actor, action, keyId, version: keyId ? 1 : null, outcome });
const ROWS: ReportRow[] = [
  row(1, D1 + 1000, 'ada', 'vault.create', null),
  row(2, D1 + 2000, 'ada', 'key.create', 'k1'),
  row(3, D1 + 3000, 'ada', 'key.reveal', 'k1'),
  row(4, D1 + 4000, 'bob', 'unlock.failed', null, 'failed'),
  row(5, D3 + 1000, 'bob', 'key.reveal', 'k2', 'denied'),
  row(6, D3 + 2000, 'ada', 'key.reveal', 'k1'),
  row(7, D3 + 3000, 'ada', 'key.copy', 'k2'),
  row(8, D4 + 1000, 'bob', 'unlock', null),
  row(9, D4 + 2000, 'bob', 'key.reveal', 'k3'),
  row(10, D4 + DAY_MS - 1, 'bob', 'key.reveal', 'k1'),
];

describe('buildReport', () => {
  it('matches the hand-computed figures for everything', () => {
    const r = buildReport(ROWS, {});
    expect(r.total).toBe(10);
    expect(r.uniqueUsers).toBe(2);
    expect(r.failed).toBe(1);
    expect(r.denied).toBe(1);
    expect(r.byAction).toEqual({ 'vault.create': 1, 'key.create': 1, 'key.reveal': 5, 'unlock.failed': 1, 'key.copy': 1, unlock: 1 });
    expect(r.perDay.map((d) => [d.day, d.total])).toEqual([
      [D1, 4],
      [D1 + DAY_MS, 0],
      [D3, 3],
      [D4, 3],
    ]);
    expect(r.perDay[2]!.byAction).toEqual({ 'key.reveal': 2, 'key.copy': 1 });
    expect(r.topKeys).toEqual([
      { keyId: 'k1', count: 4 },
      { keyId: 'k2', count: 2 },
      { keyId: 'k3', count: 1 },
    ]);
    expect(r.matches.map((m) => m.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('filters by time range (start inclusive, end exclusive), action, user, key and outcome', () => {
    expect(buildReport(ROWS, { from: D3, to: D4 }).matches.map((m) => m.seq)).toEqual([7, 6, 5]);
    expect(buildReport(ROWS, { actions: ['key.reveal'] }).total).toBe(5);
    expect(buildReport(ROWS, { actors: ['bob'] }).matches.map((m) => m.seq)).toEqual([10, 9, 8, 5, 4]);
    expect(buildReport(ROWS, { keyId: 'k1', actors: ['ada'] }).total).toBe(3);
    const denied = buildReport(ROWS, { outcome: 'denied' });
    expect([denied.total, denied.denied, denied.failed, denied.uniqueUsers]).toEqual([1, 1, 0, 1]);
    expect(buildReport(ROWS, { from: D4 + DAY_MS }).total).toBe(0);
  });
});
