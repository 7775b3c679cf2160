// Owns writing the audit log: sealing details, chaining MACs from the head, and the head check inside each transaction.

import { bytesEqual, open, parseJson, seal, utf8Decode, utf8Encode, type DataKey } from '../crypto';
import { allRequests, DB, type AuditRow, type KeywardDb, type Tx, type StoreName } from '../storage';
import { chainMac, verifyChain, type AuditAction, type AuditOutcome, type ChainHead } from './audit-chain';
import { aad } from './context';
import { VaultError } from './errors';
import type { Clock } from './types';

const S = DB.stores;

export interface AuditEvent {
  action: AuditAction;
  keyId?: string | null;
  version?: number | null;
  outcome?: AuditOutcome;
  /** Secret-free facts ("from": "active", "reason": …). Sealed at rest. */
  details?: Record<string, unknown>;
  /** Defaults to now; a folded failed unlock keeps the time it happened. */
  at?: number;
  /** Defaults to the signed-in user. */
  actor?: string;
}

export interface AuditKeys {
  vaultId: string;
  /** Seals entry details. */
  dek: DataKey;
  /** HMAC-SHA256 key of the chain, non-extractable. */
  macKey: CryptoKey;
}

export interface PreparedEntries {
  rows: AuditRow[];
  expect: ChainHead;
  head: ChainHead;
}

/** Raised inside a transaction when another tab has appended to the log since our head was read. */
export class HeadMoved extends Error {
  override readonly name = 'HeadMoved';
}

export class AuditLog {
  readonly #keys: AuditKeys;
  readonly #clock: Clock;
  readonly #actor: string;
  readonly #client: string;
  #head: ChainHead;

  constructor(keys: AuditKeys, head: ChainHead, options: { clock: Clock; actor: string; client: string }) {
    this.#keys = keys;
    this.#head = { seq: head.seq, mac: head.mac };
    this.#clock = options.clock;
    this.#actor = options.actor;
    this.#client = options.client;
  }

  /** The client description entries carry (no secret). */
  get client(): string {
    return this.#client;
  }

  get head(): ChainHead {
    return this.#head;
  }

  get macKey(): CryptoKey {
    return this.#keys.macKey;
  }

  /** The audit data key: seals details and the export signing key. */
  get auditKey(): DataKey {
    return this.#keys.dek;
  }

  /** Seals and chains entries from the in-memory head. Nothing is written yet. */
  async prepare(events: readonly AuditEvent[]): Promise<PreparedEntries> {
    const expect = this.#head;
    // Details are sealed concurrently (each under its own seq's context); only the MACs form a chain.
    const sealed = await Promise.all(
      events.map((ev, i) => seal(this.#keys.dek, utf8Encode(JSON.stringify({ client: this.#client, ...(ev.details ?? {}) })), aad.auditDetails(expect.seq + 1 + i))),
    );
    let prev = expect;
    const rows: AuditRow[] = [];
    for (const [i, ev] of events.entries()) {
      const seq = prev.seq + 1;
      const fields = {
        seq,
        at: ev.at ?? this.#clock.now(),
        actor: ev.actor ?? this.#actor,
        action: ev.action,
        keyId: ev.keyId ?? null,
        version: ev.version ?? null,
        outcome: ev.outcome ?? 'ok',
        sealedDetails: sealed[i]!,
      };
      const mac = await chainMac(this.#keys.macKey, fields, prev.mac);
      rows.push({ ...fields, mac });
      prev = { seq, mac };
    }
    return { rows, expect, head: prev };
  }

  /**
   * Inside a readwrite transaction over meta and audit: checks the stored head is the one the entries
   * were chained from, adds them and moves the head — so a change and its entries commit together.
   */
  async write(tx: Tx<StoreName[], 'readwrite'>, prepared: PreparedEntries): Promise<void> {
    const metaStore = tx.objectStore(S.meta);
    const meta = await metaStore.get('vault');
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    const stored = meta.audit.head;
    if (stored.seq !== prepared.expect.seq || !bytesEqual(stored.mac, prepared.expect.mac)) throw new HeadMoved('the audit log moved on in another tab');
    if (prepared.rows.length === 0) return;
    const audit = tx.objectStore(S.audit);
    await allRequests([...prepared.rows.map((row) => () => audit.add(row)), () => metaStore.put({ ...meta, audit: { ...meta.audit, head: prepared.head } })]);
  }

  /** After the transaction committed. */
  commit(prepared: PreparedEntries): void {
    this.#head = prepared.head;
  }

  /**
   * Another tab appended entries: verify them from our head before adopting the stored head, so a
   * forged tail is not taken on trust.
   */
  async catchUp(db: KeywardDb): Promise<void> {
    const meta = await db.get(S.meta, 'vault');
    if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
    const newer = await db.getAll(S.audit, IDBKeyRange.lowerBound(this.#head.seq, true));
    const result = await verifyChain(this.#keys.macKey, newer, meta.audit.head, this.#head);
    if (!result.ok) throw new VaultError('Corrupt', `the audit log is broken at entry ${result.seq}`);
    this.#head = result.head;
  }

  async openDetails(row: AuditRow): Promise<Record<string, unknown>> {
    const json = utf8Decode(await open(this.#keys.dek, row.sealedDetails, aad.auditDetails(row.seq)));
    const parsed: unknown = parseJson(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('audit details are not an object');
    return parsed as Record<string, unknown>;
  }
}
