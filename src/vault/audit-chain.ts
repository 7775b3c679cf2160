// Owns the audit chain: how an entry is encoded, MACed into the chain, and how a chain is verified.

import { bytesEqual, toBase64Url, utf8Encode } from '../crypto';
import type { AuditRow } from '../storage';

/** Every action the log records (docs/AUDIT.md §1). */
export const AUDIT_ACTIONS = [
  'vault.create',
  'unlock',
  'unlock.failed',
  'lock',
  'lock.auto',
  'key.create',
  'key.reveal',
  'key.copy',
  'key.export',
  'key.update',
  'key.rotate',
  'key.state',
  'key.policy',
  'key.destruction.schedule',
  'key.destruction.cancel',
  'key.destroy',
  'key.trim',
  'key.remove',
  'password.change',
  'kdf.upgrade',
  'userkey.rotate',
  'settings.change',
  'backup.export',
  'backup.verify',
  'backup.restore',
  'access.denied',
  'audit.verify',
  'audit.export',
  'audit.checkpoint',
  'user.add',
  'user.remove',
  'user.role',
  'user.keys',
  'group.create',
  'group.delete',
  'group.member.add',
  'group.member.remove',
  'key.grant',
  'key.revoke',
  'key.rekey',
  'integrity.failed',
  'key.import',
  'key.export.plain',
  'passkey.add',
  'passkey.remove',
  'key.upgrade',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'ok' | 'denied' | 'failed';

/**
 * The fields of a stored entry that the chain commits to (details enter as their ciphertext). `action`
 * is an AuditAction when written by this version; read back as any string and MACed as it is.
 */
export type ChainFields = Omit<AuditRow, 'mac'>;

export const GENESIS = new Uint8Array(32);

/** One audit entry as people see it: names resolved, details decrypted. */
export interface AuditEntryView {
  seq: number;
  at: number;
  actor: string;
  actorName: string | null;
  action: string;
  keyId: string | null;
  keyName: string | null;
  version: number | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/**
 * Canonical bytes of an entry: a JSON array in fixed order (no key-order ambiguity), then the MAC of
 * the previous entry. docs/AUDIT.md §2: mac_n = HMAC-SHA256(auditMacKey, "kw1|audit|" ‖ json_n ‖ mac_{n-1}).
 */
export function entryBytes(e: ChainFields, prevMac: Uint8Array): Uint8Array<ArrayBuffer> {
  const json = JSON.stringify([e.seq, e.at, e.actor, e.action, e.keyId, e.version, e.outcome, toBase64Url(e.sealedDetails)]);
  // One encode of "kw1|audit|" ‖ json ‖ "|", then the previous MAC: the same bytes as encoding each part.
  const text = utf8Encode(`kw1|audit|${json}|`);
  const out = new Uint8Array(text.length + prevMac.length);
  out.set(text);
  out.set(prevMac, text.length);
  return out;
}

/** MACs computed at once by verifyChain: enough to keep WebCrypto busy, few enough to bound memory. */
const VERIFY_BATCH = 2048;

export async function chainMac(macKey: CryptoKey, e: ChainFields, prevMac: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', macKey, entryBytes(e, prevMac)));
}

export interface ChainHead {
  seq: number;
  mac: Uint8Array;
}

export type ChainBreak =
  /** An entry's MAC does not match: it was modified, or forged without the key. */
  | { kind: 'modified'; seq: number }
  /** A sequence number is missing: an entry was deleted (or entries were reordered). */
  | { kind: 'missing'; seq: number }
  /** The log ends before the recorded head: the tail was truncated. */
  | { kind: 'truncated'; seq: number }
  /** The log goes past the recorded head, or the head does not match its entry. */
  | { kind: 'head-mismatch'; seq: number };

export type ChainResult = { ok: true; count: number; head: ChainHead } | ({ ok: false } & ChainBreak);

/**
 * Verifies entries in stored order against the chain and the recorded head. Reports the first bad
 * sequence number. `entries` may start after a checkpoint: then `start` gives the checkpoint's head.
 */
export async function verifyChain(
  macKey: CryptoKey,
  entries: Iterable<ChainFields & { mac: Uint8Array }>,
  head: ChainHead | null,
  start: ChainHead = { seq: 0, mac: GENESIS },
): Promise<ChainResult> {
  let prev = start;
  let count = 0;
  // Each entry's MAC covers the *stored* MAC of the entry before it, so every MAC can be computed
  // without waiting for the previous check: a batch is MACed concurrently, then checked in order, which
  // reports the same first bad entry as checking one by one (issue #7: audit_verify over 100,000 entries).
  const list = Array.isArray(entries) ? (entries as readonly (ChainFields & { mac: Uint8Array })[]) : [...entries];
  for (let from = 0; from < list.length; from += VERIFY_BATCH) {
    const batch = list.slice(from, from + VERIFY_BATCH);
    // Sequence numbers first: a gap ends the check before any MAC past it matters.
    let ordered = batch.length;
    for (let i = 0, seq = prev.seq; i < batch.length; i++, seq++) {
      if (batch[i]!.seq !== seq + 1) {
        ordered = i;
        break;
      }
    }
    const macs = await Promise.all(batch.slice(0, ordered).map((e, i) => chainMac(macKey, e, i === 0 ? prev.mac : batch[i - 1]!.mac)));
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!;
      const expectedSeq = prev.seq + 1;
      if (i >= ordered || e.seq !== expectedSeq) return { ok: false, kind: 'missing', seq: expectedSeq };
      if (!bytesEqual(macs[i]!, e.mac)) return { ok: false, kind: 'modified', seq: e.seq };
      prev = { seq: e.seq, mac: e.mac };
      count++;
    }
  }
  if (head) {
    if (prev.seq < head.seq) return { ok: false, kind: 'truncated', seq: prev.seq + 1 };
    if (prev.seq > head.seq || !bytesEqual(prev.mac, head.mac)) return { ok: false, kind: 'head-mismatch', seq: head.seq };
  }
  return { ok: true, count, head: prev };
}
