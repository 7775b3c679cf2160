// Owns the check of what waits in the auditPending store before unlock folds it into the chained log (issue #14):
// that store is written without any key (failed unlocks, restores), so anyone who can write storage can write it too.

import type { AuditPendingRow } from '../storage';

/** At most this many pending rows are kept, read and folded (docs/AUDIT.md §3); the rest are dropped and reported. */
export const MAX_PENDING = 1000;
/** How far ahead of this device's clock a pending row's time may be (clock drift between tabs is small). */
const FUTURE_SKEW_MS = 5 * 60_000;
const PENDING_ACTIONS = new Set<string>(['unlock.failed', 'backup.restore']);
const MAX_CLIENT_LENGTH = 200;

export interface PendingCheck {
  /** Rows written the way Keyward writes them: folded in as entries. */
  accepted: AuditPendingRow[];
  /** Why each other row was refused (no value from the row in it: it is not trusted). */
  refused: string[];
}

/**
 * Splits pending rows into those Keyward could have written (a known action, a user of this vault or "unknown",
 * a time between the vault's creation and now, a short client string) and the rest.
 */
export function checkPending(rows: readonly unknown[], context: { userIds: ReadonlySet<string>; createdAt: number; now: number }): PendingCheck {
  const accepted: AuditPendingRow[] = [];
  const refused: string[] = [];
  for (const row of rows) {
    const why = problem(row, context);
    if (why === null) accepted.push(row as AuditPendingRow);
    else refused.push(why);
  }
  return { accepted, refused };
}

function problem(row: unknown, { userIds, createdAt, now }: { userIds: ReadonlySet<string>; createdAt: number; now: number }): string | null {
  if (typeof row !== 'object' || row === null) return 'not a record';
  const r = row as Record<string, unknown>;
  if (typeof r.action !== 'string' || !PENDING_ACTIONS.has(r.action)) return 'an action Keyward never writes there';
  if (typeof r.at !== 'number' || !Number.isFinite(r.at)) return 'a time that is not a number';
  if (r.at < createdAt || r.at > now + FUTURE_SKEW_MS) return 'a time outside the life of this vault';
  if (typeof r.userId !== 'string' || (r.userId !== 'unknown' && !userIds.has(r.userId))) return 'a user this vault does not have';
  if (typeof r.client !== 'string' || r.client.length > MAX_CLIENT_LENGTH) return 'a client description Keyward never writes';
  return null;
}
