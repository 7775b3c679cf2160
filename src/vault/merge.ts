// Owns merge planning: which keys of a backup are new, which are the same, and which conflict, and how a
// person's choice for each conflict turns into records to add or replace.

import { bytesEqual, randomId } from '../crypto';
import { canonicalJson } from './audit-export';
import type { KeyDump } from './session';

export type Resolution = 'keep-mine' | 'take-backup' | 'keep-both';

export interface KeySide {
  name: string;
  kind: string;
  version: number;
  state: string;
  updatedAt: number;
}

export interface MergeConflict {
  id: string;
  mine: KeySide;
  theirs: KeySide;
}

export interface MergePlan {
  /** Keys only the backup has. */
  added: KeySide[];
  /** Keys identical on both sides (nothing to do). */
  unchanged: number;
  conflicts: MergeConflict[];
}

function side(d: KeyDump): KeySide {
  return { name: d.meta.name, kind: d.meta.kind, version: d.row.currentVersion, state: d.row.state, updatedAt: d.row.updatedAt };
}

/** Same key, same content: metadata, lifecycle fields, and every version's material byte for byte. */
export function sameRecord(a: KeyDump, b: KeyDump): boolean {
  // Canonical JSON: the same record may come with its fields in another order (built here, or parsed).
  if (canonicalJson(a.row) !== canonicalJson(b.row) || canonicalJson(a.meta) !== canonicalJson(b.meta)) return false;
  if (a.versions.length !== b.versions.length) return false;
  return a.versions.every((v, i) => {
    const w = b.versions[i]!;
    const { material: ma, ...ra } = v;
    const { material: mb, ...rb } = w;
    return canonicalJson(ra) === canonicalJson(rb) && (ma === null ? mb === null : mb !== null && bytesEqual(ma, mb));
  });
}

export function planMerge(mine: readonly KeyDump[], theirs: readonly KeyDump[]): MergePlan {
  const byId = new Map(mine.map((d) => [d.row.id, d]));
  const plan: MergePlan = { added: [], unchanged: 0, conflicts: [] };
  for (const t of theirs) {
    const m = byId.get(t.row.id);
    if (!m) plan.added.push(side(t));
    else if (sameRecord(m, t)) plan.unchanged++;
    else plan.conflicts.push({ id: t.row.id, mine: side(m), theirs: side(t) });
  }
  return plan;
}

/**
 * Records to write for a plan and a choice per conflict (a conflict without a choice is refused).
 * "keep-both" adds the backup's key under a new id, named "<name> (from backup)".
 */
export function resolveMerge(mine: readonly KeyDump[], theirs: readonly KeyDump[], choices: Readonly<Record<string, Resolution>>): { add: KeyDump[]; replace: KeyDump[] } {
  const mineIds = new Set(mine.map((d) => d.row.id));
  const add: KeyDump[] = [];
  const replace: KeyDump[] = [];
  for (const t of theirs) {
    if (!mineIds.has(t.row.id)) {
      add.push(t);
      continue;
    }
    const m = mine.find((d) => d.row.id === t.row.id)!;
    if (sameRecord(m, t)) continue;
    const choice = choices[t.row.id];
    if (choice === undefined) throw new RangeError(`no choice for the conflict on key ${t.row.id}`);
    if (choice === 'take-backup') replace.push(t);
    else if (choice === 'keep-both') {
      const id = randomId();
      add.push({
        row: { ...t.row, id },
        meta: { ...t.meta, name: `${t.meta.name} (from backup)`.slice(0, 200) },
        versions: t.versions.map((v) => ({ ...v, keyId: id })),
      });
    }
  }
  return { add, replace };
}
