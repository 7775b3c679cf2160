// Tests that the figures on the Audit screen hold still while a person reads: their own checks and exports since they
// opened it are left out of every figure and page, and only those.
import { describe, expect, it } from 'vitest';
import { buildReport, type AuditReport } from '../../vault';
import { isOwnReading, visiblePage, withoutOwnReading, type ReadingMark } from './own-reads';

type Row = AuditReport['matches'][number];

function row(seq: number, action: string, actor = 'me', at = seq * 1000): Row {
  return { seq, at, actor, action, keyId: action === 'key.reveal' ? 'k1' : null, version: null, outcome: 'ok' };
}

// Opened at t = 5000: entries 1–4 were there before.
const mark: ReadingMark = { actor: 'me', since: 5000 };
const rows = [
  row(1, 'vault.create'),
  row(2, 'key.reveal'),
  row(3, 'audit.verify'),
  row(4, 'audit.export'),
  row(5, 'audit.verify'),
  row(6, 'key.reveal', 'someone-else'),
  row(7, 'audit.export'),
  row(8, 'audit.verify', 'someone-else'),
  row(9, 'key.reveal'),
];

describe('own reading', () => {
  it('is this person\'s verify and export since the mark, nothing else', () => {
    expect(rows.filter((r) => isOwnReading(r, mark)).map((r) => r.seq)).toEqual([5, 7]);
    expect(rows.filter((r) => isOwnReading(r, null))).toEqual([]);
  });

  it('leaves them out of the totals, per action, per day and the matches, and says how many', () => {
    const full = buildReport(rows, {});
    const { report, hidden } = withoutOwnReading(full, mark);
    expect(hidden).toBe(2);
    expect(report.total).toBe(7);
    expect(report.byAction).toEqual({ 'vault.create': 1, 'key.reveal': 3, 'audit.verify': 2, 'audit.export': 1 });
    expect(report.perDay.reduce((n, d) => n + d.total, 0)).toBe(7);
    expect(report.matches.map((m) => m.seq)).toEqual([9, 8, 6, 4, 3, 2, 1]);
    expect(report.uniqueUsers).toBe(2);
    expect(report.topKeys).toEqual([{ keyId: 'k1', count: 3 }]);
    // Nothing to leave out: the very same report.
    const none = withoutOwnReading(full, { actor: 'me', since: 100_000 });
    expect(none).toEqual({ report: full, hidden: 0 });
  });

  it('finds a page of what is shown among all matches', () => {
    const matches = buildReport(rows, {}).matches;
    // Newest first: 9 8 [7] 6 [5] 4 3 2 1 — pages of 3 shown entries.
    expect(visiblePage(matches, mark, 0, 3)).toEqual({ seqs: [9, 8, 6], start: 0, end: 4 });
    expect(visiblePage(matches, mark, 3, 3)).toEqual({ seqs: [4, 3, 2], start: 5, end: 8 });
    expect(visiblePage(matches, mark, 6, 3)).toEqual({ seqs: [1], start: 8, end: 9 });
    expect(visiblePage(matches, mark, 9, 3)).toEqual({ seqs: [], start: 0, end: 0 });
    expect(visiblePage(matches, null, 0, 2)).toEqual({ seqs: [9, 8], start: 0, end: 2 });
  });
});
