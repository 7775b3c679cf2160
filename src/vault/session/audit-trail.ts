// Owns the audit log as a signed-in person uses it: the chain check (at unlock and on demand), reports, CSV and signed
// JSON exports, "Archive and trim", and recording entries for events that change nothing else.

import { bytesEqual } from '../../crypto';
import { DB, withTx, type AuditRow } from '../../storage';
import { verifyChain, type AuditEntryView, type ChainResult } from '../audit-chain';
import { buildExport, fingerprintOf, toCsv } from '../audit-export';
import { openSigningKey } from '../audit-keys';
import type { AuditEvent } from '../audit-log';
import { buildReport, matches, ReportIndex, type AuditFilter, type AuditReport, type ReportRow } from '../audit-report';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import type { KeyId } from '../types';
import type { SessionContext } from './context';

const S = DB.stores;

/** Which entries "Archive and trim" would take (docs/AUDIT.md §6). */
export interface AuditArchivePlan {
  fromSeq: number;
  throughSeq: number;
  count: number;
  /** Times of the first and last of those entries. */
  firstAt: number;
  lastAt: number;
}

/** The signed JSON export of the entries about to be trimmed: save `text` as `filename`, then trim. */
export interface AuditArchive {
  readonly filename: string;
  readonly mime: string;
  readonly text: string;
  readonly count: number;
  readonly fromSeq: number;
  readonly throughSeq: number;
  /** The export's last hash (docs/AUDIT.md §5), also chained in the checkpoint entry. */
  readonly head: string;
}

export interface AuditFile {
  filename: string;
  mime: string;
  text: string;
  count: number;
}

/** How long after the first load of the key list the unlock's chain check starts (a few frames). */
const LOG_CHECK_DELAY_MS = 100;

export class AuditTrail {
  readonly #ctx: SessionContext;
  #logCheck: Promise<ChainResult> | null = null;
  /** Archives made by prepareArchive, with the chain value of their last entry (checked again before trimming). */
  readonly #archives = new WeakMap<AuditArchive, { mac: Uint8Array }>();
  /** The plaintext fields of every audit entry, for reports (no details, no MACs); dropped on lock. */
  #reportIndex: ReportIndex | null = null;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    ctx.onDrop(() => {
      this.#reportIndex = null;
      // check() after lock must refuse like everything else, not hand back the last result.
      this.#logCheck = null;
    });
  }

  /**
   * Starts the unlock's chain check once the first load of the key list is done: unlocking shows keys first, then
   * verifies. It starts a moment after that load, not in the same turn: the check reads and MACs every entry, and
   * started at once it held the main thread while the list was being rendered (issue #7: list_render).
   */
  startCheck(): void {
    this.#logCheck = this.#ctx.ring
      .load()
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, LOG_CHECK_DELAY_MS)))
      .then(() => this.verify());
    this.#logCheck.catch(() => undefined);
  }

  /** The result of the chain check started at unlock (or the latest "Verify log"). */
  check(): Promise<ChainResult> {
    return this.#logCheck ?? this.verify();
  }

  /**
   * Verifies every entry of the audit log against the chain and the stored head, starting from the
   * last archive checkpoint if there is one — whose own chained entry must name that checkpoint.
   */
  async verify(): Promise<ChainResult> {
    const log = this.#ctx.log();
    const { rows, audit } = await guarded(() =>
      withTx(this.#ctx.db, [S.audit, S.meta], 'readonly', async (tx) => ({ rows: await tx.objectStore(S.audit).getAll(), audit: (await tx.objectStore(S.meta).get('vault'))?.audit ?? null })),
    );
    const start = audit?.checkpoint ?? undefined;
    // The rows are read anyway: the report index is built from the same snapshot (reports then read no row).
    this.#reportIndex = ReportIndex.from(rows, audit?.checkpoint?.seq ?? 0);
    const result = await verifyChain(log.macKey, rows, audit?.head ?? null, start);
    if (!result.ok || !start) return result;
    const marker = rows.findLast((r) => r.action === 'audit.checkpoint');
    const details = marker ? await log.openDetails(marker).catch(() => null) : null;
    // The first entry missing is the one after what the chained checkpoint says was trimmed.
    if (!details || details.trimmedThrough !== start.seq) return { ok: false, kind: 'missing', seq: (typeof details?.trimmedThrough === 'number' ? details.trimmedThrough : start.seq) + 1 };
    return result;
  }

  /** "Verify log" on demand: checks the chain and records that it was checked, with the result. */
  async verifyNow(): Promise<ChainResult> {
    await this.#ctx.guard.authorize('audit.read');
    const result = await this.verify();
    this.#logCheck = Promise.resolve(result);
    await this.record({ action: 'audit.verify', outcome: result.ok ? 'ok' : 'failed', details: result.ok ? { count: result.count } : { kind: result.kind, seq: result.seq } });
    return result;
  }

  /**
   * "Archive and trim": exports entries up to `throughSeq` as signed JSON (returned for the person to
   * keep), then removes them and chains an audit.checkpoint entry, in one transaction. Never automatic.
   * The UI does the same in two steps (prepareArchive, then trimArchive once the file is saved).
   */
  async archiveAndTrim(throughSeq: number): Promise<AuditFile> {
    const archive = await this.#prepareArchive(throughSeq);
    await this.trimArchive(archive);
    return { filename: archive.filename, mime: archive.mime, text: archive.text, count: archive.count };
  }

  /**
   * What "Archive and trim" of the entries before `before` (ms since the epoch, exclusive) would take: the
   * entries from the first one still in the log up to the last one of the unbroken run older than `before`,
   * never the newest entry. Null when there is none. Reads plaintext fields only; changes nothing.
   */
  async archivePlan(before: number): Promise<AuditArchivePlan | null> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('audit.manage');
    if (!Number.isFinite(before)) throw new VaultError('InvalidInput', '"before" must be a time', { field: 'before' });
    const head = ctx.log().head;
    const { rows, checkpoint } = await guarded(() =>
      withTx(ctx.db, [S.audit, S.meta], 'readonly', async (tx) => ({
        rows: await tx.objectStore(S.audit).getAll(),
        checkpoint: (await tx.objectStore(S.meta).get('vault'))?.audit.checkpoint ?? null,
      })),
    );
    const fromSeq = (checkpoint?.seq ?? 0) + 1;
    let last: AuditRow | null = null;
    let first: AuditRow | null = null;
    for (const row of rows) {
      if (row.seq < fromSeq) continue;
      // Stop at the first entry on or after `before` (a clock set back can put older times after it: they stay),
      // and always keep the newest entry, which the head names.
      if (row.at >= before || row.seq >= head.seq) break;
      first ??= row;
      last = row;
    }
    if (first === null || last === null) return null;
    return { fromSeq: first.seq, throughSeq: last.seq, count: last.seq - first.seq + 1, firstAt: first.at, lastAt: last.at };
  }

  /**
   * Step 1 of "Archive and trim": verifies the log and makes the signed JSON export of the entries before
   * `before` (see archivePlan) for the person to save. Nothing is removed yet.
   */
  async prepareArchive(before: number): Promise<AuditArchive> {
    const plan = await this.archivePlan(before);
    if (plan === null) throw new VaultError('InvalidInput', 'no entry before that date can be archived', { field: 'before' });
    return this.#prepareArchive(plan.throughSeq);
  }

  /**
   * Step 2: removes exactly the entries `archive` holds, puts the checkpoint beside the head and chains an
   * audit.checkpoint entry, in one transaction — only if the log still holds those entries unchanged
   * (the last one's chain value is the one archived, and the log verifies).
   */
  async trimArchive(archive: AuditArchive): Promise<{ trimmed: number; throughSeq: number }> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('audit.manage');
    const ticket = this.#archives.get(archive);
    if (ticket === undefined) throw new VaultError('InvalidInput', 'this archive was not made by this session', { field: 'archive' });
    this.#archives.delete(archive);
    const { throughSeq } = archive;
    const verified = await this.verify();
    if (!verified.ok) throw new VaultError('Corrupt', `the audit log is broken at entry ${verified.seq}; it is not trimmed`);
    const { last, meta } = await guarded(() =>
      withTx(ctx.db, [S.audit, S.meta], 'readonly', async (tx) => ({ last: await tx.objectStore(S.audit).get(throughSeq), meta: await tx.objectStore(S.meta).get('vault') })),
    );
    if (!last || !bytesEqual(last.mac, ticket.mac) || (meta?.audit.checkpoint?.seq ?? 0) + 1 !== archive.fromSeq) {
      throw new VaultError('InvalidInput', 'the log changed since this archive was made; make a new archive', { field: 'archive' });
    }
    const checkpoint = { seq: throughSeq, mac: last.mac };
    await ctx.writes.write([S.meta, S.audit], [{ action: 'audit.checkpoint', details: { trimmedThrough: throughSeq, archivedEntries: archive.count, archiveHead: archive.head } }], async (tx) => {
      const m = await tx.objectStore(S.meta).get('vault');
      if (!m) throw new VaultError('NoVault', 'the vault is gone from storage');
      // Re-checked inside the write: another tab may have trimmed in between.
      if ((m.audit.checkpoint?.seq ?? 0) + 1 !== archive.fromSeq) {
        throw new VaultError('InvalidInput', 'the log changed since this archive was made; make a new archive', { field: 'archive' });
      }
      await tx.objectStore(S.audit).delete(IDBKeyRange.upperBound(throughSeq));
      await tx.objectStore(S.meta).put({ ...m, audit: { ...m.audit, checkpoint } });
    });
    return { trimmed: archive.count, throughSeq };
  }

  async #prepareArchive(throughSeq: number): Promise<AuditArchive> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('audit.manage');
    const head = ctx.log().head;
    if (!Number.isInteger(throughSeq) || throughSeq < 1 || throughSeq >= head.seq) {
      throw new VaultError('InvalidInput', `archive entries up to one before the last (1 to ${head.seq - 1})`, { field: 'throughSeq' });
    }
    const meta = await guarded(() => ctx.db.get(S.meta, 'vault'));
    const from = (meta?.audit.checkpoint?.seq ?? 0) + 1;
    if (throughSeq < from) throw new VaultError('InvalidInput', `entries up to ${from - 1} are archived already`, { field: 'throughSeq' });
    const verified = await this.verify();
    if (!verified.ok) throw new VaultError('Corrupt', `the audit log is broken at entry ${verified.seq}; it is not trimmed`);
    const out = await this.#exportRows((r) => r.seq <= throughSeq, { archiveThrough: throughSeq }, 'json');
    const last = await guarded(() => ctx.db.get(S.audit, throughSeq));
    if (!last || out.head === null) throw new VaultError('Corrupt', `entry ${throughSeq} is missing`);
    const archive: AuditArchive = Object.freeze({
      filename: out.filename.replace('keyward-audit-', 'keyward-audit-archive-'),
      mime: out.mime,
      text: out.text,
      count: out.count,
      fromSeq: from,
      throughSeq,
      head: out.head,
    });
    this.#archives.set(archive, { mac: last.mac });
    return archive;
  }

  /** Records an event that changes nothing else (a reveal, a copy, an export, a denial). */
  record(event: AuditEvent): Promise<void> {
    return this.#ctx.writes.record(event);
  }

  /** Several events as consecutive entries in one transaction (all or none); at most 10,000. */
  recordMany(events: readonly AuditEvent[]): Promise<void> {
    return this.#ctx.writes.recordMany(events);
  }

  /** The audit export signing key's fingerprint, shown in the app and printed by the verifier. */
  async fingerprint(): Promise<string> {
    await this.#ctx.guard.authorize('audit.read');
    const meta = await guarded(() => this.#ctx.db.get(S.meta, 'vault'));
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    return fingerprintOf(meta.audit.publicKey);
  }

  /**
   * A report over the whole log: totals and counts from the plaintext fields of every matching entry,
   * and one page of entries with their details decrypted.
   */
  async report(filter: AuditFilter = {}, page: { offset?: number; limit?: number } = {}): Promise<AuditReport & { page: AuditEntryView[] }> {
    await this.#ctx.guard.authorize('audit.read');
    const report = buildReport(await this.#reportRows(), filter);
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(500, Math.max(1, page.limit ?? 50));
    // Only the page's entries are read in full (their details are decrypted for display).
    const seqs = report.matches.slice(offset, offset + limit).map((m) => m.seq);
    const rows = await guarded(() =>
      withTx(this.#ctx.db, [S.audit], 'readonly', async (tx) => {
        const store = tx.objectStore(S.audit);
        return Promise.all(seqs.map((seq) => store.get(seq)));
      }),
    );
    const views = await this.#views(rows.filter((r): r is AuditRow => r !== undefined));
    return { ...report, page: views };
  }

  /** Matching entries as CSV or as signed JSON (verifiable offline with `npm run verify-audit`). */
  async export(filter: AuditFilter, format: 'csv' | 'json'): Promise<AuditFile> {
    await this.#ctx.guard.authorize('audit.read');
    const { head: _head, ...out } = await this.#exportRows((r) => matches(r, filter), filterForExport(filter), format);
    await this.record({ action: 'audit.export', details: { format, count: out.count } });
    return out;
  }

  /**
   * The picked entries as CSV or signed JSON (with the export's last hash). Not authorized or logged here:
   * export() and the archive do both.
   */
  async #exportRows(pick: (row: AuditRow) => boolean, filter: Record<string, unknown>, format: 'csv' | 'json'): Promise<AuditFile & { head: string | null }> {
    const ctx = this.#ctx;
    const log = ctx.log();
    const { rows, meta } = await guarded(() =>
      withTx(ctx.db, [S.audit, S.meta], 'readonly', async (tx) => ({ rows: await tx.objectStore(S.audit).getAll(), meta: await tx.objectStore(S.meta).get('vault') })),
    );
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    const views = (await this.#views(rows.filter(pick))).map(({ seq, at, actor, actorName, action, keyId, keyName, version, outcome, details }) => ({
      seq,
      at: new Date(at).toISOString(),
      actor,
      actorName,
      action,
      keyId,
      keyName,
      version,
      outcome,
      details,
    }));
    const now = ctx.clock.now();
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    if (format === 'csv') return { filename: `keyward-audit-${stamp}.csv`, mime: 'text/csv', text: toCsv(views), count: views.length, head: null };
    const signingKey = await guarded(() => openSigningKey(meta.vaultId, meta.audit, log.auditKey));
    const signed = await buildExport({ vaultId: meta.vaultId, exportedAt: now, filter, publicKey: meta.audit.publicKey, signingKey, entries: views });
    return { filename: `keyward-audit-${stamp}.json`, mime: 'application/json', text: JSON.stringify(signed, null, 2), count: views.length, head: signed.head };
  }

  /**
   * Every entry's plaintext fields, newest included. The index is built by the chain check at unlock
   * (or here, once, from one getAll); later calls read only the entries appended since (by this tab or
   * another), so a report over 100,000 entries does not read 100,000 rows again (issue #7: ≤ 250 ms).
   * A trim (a checkpoint beyond the index's start) rebuilds it.
   */
  async #reportRows(): Promise<readonly ReportRow[]> {
    const index = this.#reportIndex;
    const { meta, newer } = await guarded(() =>
      withTx(this.#ctx.db, [S.audit, S.meta], 'readonly', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        const from = meta?.audit.checkpoint?.seq ?? 0;
        const usable = index !== null && index.startAfter === from && index.lastSeq <= (meta?.audit.head.seq ?? 0);
        const newer = await tx.objectStore(S.audit).getAll(usable ? IDBKeyRange.lowerBound(index.lastSeq, true) : undefined);
        return { meta, newer: { usable, rows: newer } };
      }),
    );
    if (this.#ctx.locked) throw new VaultError('Locked', 'the vault is locked');
    if (newer.usable && index !== null) {
      index.append(newer.rows);
      return index.rows;
    }
    const rebuilt = ReportIndex.from(newer.rows, meta?.audit.checkpoint?.seq ?? 0);
    this.#reportIndex = rebuilt;
    return rebuilt.rows;
  }

  async #views(rows: readonly AuditRow[]): Promise<AuditEntryView[]> {
    const ctx = this.#ctx;
    const log = ctx.log();
    const held = await ctx.ring.load();
    const users = new Map((await guarded(() => ctx.db.getAll(S.users))).map((u) => [u.id, u.name]));
    return Promise.all(
      rows.map(async (r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        actorName: users.get(r.actor) ?? null,
        action: r.action,
        keyId: r.keyId,
        keyName: r.keyId ? (held.get(r.keyId as KeyId)?.meta.name ?? null) : null,
        version: r.version,
        outcome: r.outcome,
        details: await log.openDetails(r).catch(() => ({ unreadable: true })),
      })),
    );
  }
}

function filterForExport(f: AuditFilter): Record<string, unknown> {
  return {
    from: f.from != null ? new Date(f.from).toISOString() : null,
    to: f.to != null ? new Date(f.to).toISOString() : null,
    actions: f.actions ?? [],
    actors: f.actors ?? [],
    keyId: f.keyId ?? null,
    outcome: f.outcome ?? null,
  };
}
