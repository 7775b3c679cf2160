// Owns audit reports: filtering entries and aggregating totals, per-action and per-day counts, and top keys, in one pass.

import type { AuditRow } from '../storage';
import { DAY_MS } from './lifecycle';

/** The plaintext fields of a stored entry that reports use (details stay sealed until a page is shown). */
export type ReportRow = Pick<AuditRow, 'seq' | 'at' | 'actor' | 'action' | 'keyId' | 'version' | 'outcome'>;

/**
 * The plaintext fields of every entry after `startAfter` (an archive checkpoint's seq, or 0), in seq
 * order, held by an unlocked session so that a report does not read (and structured-clone) every row
 * with its sealed details and MAC. Repeated strings (actors, actions, key ids) are shared.
 */
export class ReportIndex {
  readonly rows: ReportRow[] = [];
  readonly #strings = new Map<string, string>();

  constructor(readonly startAfter: number) {}

  static from(rows: readonly ReportRow[], startAfter: number): ReportIndex {
    const index = new ReportIndex(startAfter);
    index.append(rows);
    return index;
  }

  /** The newest entry's seq (startAfter when empty). */
  get lastSeq(): number {
    return this.rows.at(-1)?.seq ?? this.startAfter;
  }

  /** Adds entries newer than lastSeq, in seq order (older ones are ignored). */
  append(rows: readonly ReportRow[]): void {
    for (const r of rows) {
      if (r.seq <= this.lastSeq) continue;
      this.rows.push({
        seq: r.seq,
        at: r.at,
        actor: this.#intern(r.actor),
        action: this.#intern(r.action),
        keyId: r.keyId === null ? null : this.#intern(r.keyId),
        version: r.version,
        outcome: r.outcome,
      });
    }
  }

  #intern(s: string): string {
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    this.#strings.set(s, s);
    return s;
  }
}

export interface AuditFilter {
  /** Inclusive start, ms since the epoch. */
  from?: number | null;
  /** Exclusive end. */
  to?: number | null;
  actions?: readonly string[];
  actors?: readonly string[];
  keyId?: string | null;
  outcome?: 'ok' | 'denied' | 'failed' | null;
}

export interface DayBucket {
  /** Start of the day (UTC midnight, ms). */
  day: number;
  total: number;
  byAction: Record<string, number>;
}

export interface AuditReport {
  total: number;
  uniqueUsers: number;
  byAction: Record<string, number>;
  failed: number;
  denied: number;
  perDay: DayBucket[];
  topKeys: { keyId: string; count: number }[];
  /** Matching rows, newest first (the caller pages and decrypts details for the visible page only). */
  matches: ReportRow[];
}

export function matches(row: ReportRow, f: AuditFilter): boolean {
  if (f.from != null && row.at < f.from) return false;
  if (f.to != null && row.at >= f.to) return false;
  if (f.actions && f.actions.length > 0 && !f.actions.includes(row.action)) return false;
  if (f.actors && f.actors.length > 0 && !f.actors.includes(row.actor)) return false;
  if (f.keyId && row.keyId !== f.keyId) return false;
  if (f.outcome && row.outcome !== f.outcome) return false;
  return true;
}

/**
 * One pass over the rows (in seq order). Days are UTC days, so a report reads the same in every time
 * zone; the chart labels them as dates. Empty days inside the range are filled in with zero.
 */
export function buildReport(rows: readonly ReportRow[], filter: AuditFilter, topN = 10): AuditReport {
  const byAction: Record<string, number> = {};
  const users = new Set<string>();
  const days = new Map<number, DayBucket>();
  const keys = new Map<string, number>();
  const out: ReportRow[] = [];
  let failed = 0;
  let denied = 0;
  for (const row of rows) {
    if (!matches(row, filter)) continue;
    out.push(row);
    byAction[row.action] = (byAction[row.action] ?? 0) + 1;
    users.add(row.actor);
    if (row.outcome === 'failed') failed++;
    else if (row.outcome === 'denied') denied++;
    const day = Math.floor(row.at / DAY_MS) * DAY_MS;
    let bucket = days.get(day);
    if (!bucket) days.set(day, (bucket = { day, total: 0, byAction: {} }));
    bucket.total++;
    bucket.byAction[row.action] = (bucket.byAction[row.action] ?? 0) + 1;
    if (row.keyId) keys.set(row.keyId, (keys.get(row.keyId) ?? 0) + 1);
  }
  const perDay = [...days.values()].sort((a, b) => a.day - b.day);
  const filled: DayBucket[] = [];
  for (let i = 0; i < perDay.length; i++) {
    const b = perDay[i]!;
    filled.push(b);
    const next = perDay[i + 1];
    // Fill gaps of up to a year, so a sparse log still charts as a time line.
    if (next && next.day - b.day <= 366 * DAY_MS) for (let d = b.day + DAY_MS; d < next.day; d += DAY_MS) filled.push({ day: d, total: 0, byAction: {} });
  }
  const topKeys = [...keys.entries()]
    .map(([keyId, count]) => ({ keyId, count }))
    .sort((a, b) => b.count - a.count || (a.keyId < b.keyId ? -1 : 1))
    .slice(0, topN);
  out.reverse();
  return { total: out.length, uniqueUsers: users.size, byAction, failed, denied, perDay: filled, topKeys, matches: out };
}
