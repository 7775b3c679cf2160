// Owns checking a ledger as stored (docs/FORMAT.md §7): each link's shape, its hash chain, its signature by the key the
// links before it name, and its signer's right to make it; then the reader's pin. The result is the verified prefix.

import { bytesEqual, fromBase64Url, importVerifyKey, verify } from '../../crypto';
import type { LedgerRow } from '../../storage';
import { BadLink, linkHash, NO_PREV, parseLink, signedBytes } from './codec';
import { apply, emptyState, Refused, signingKeyFor, type LedgerState } from './rules';

/** What a user has verified before (FORMAT.md §7.4): the first link's hash, and the last link's number and hash. */
export interface Pin {
  root: Uint8Array;
  seq: number;
  head: Uint8Array;
}

/** Where a ledger stopped verifying, and why (plain words, no value from the row). */
export interface LedgerProblem {
  seq: number;
  why: string;
}

export interface Verified {
  /** The principals after the last link that verified (empty when none did, or the pinned root is gone). */
  state: LedgerState;
  /** Links that verified, from 0; the next link appended gets this number. */
  count: number;
  /** Hash of the last verified link (NO_PREV when none). */
  head: Uint8Array;
  /** Hash of link 0, when it verified. */
  root: Uint8Array | null;
  problem: LedgerProblem | null;
}

/** Verification keys by base64url point, imported once per check. */
export type KeyCache = Map<string, CryptoKey>;

async function keyFor(cache: KeyCache, point: string): Promise<CryptoKey> {
  let key = cache.get(point);
  if (!key) {
    key = await importVerifyKey(fromBase64Url(point));
    cache.set(point, key);
  }
  return key;
}

/**
 * Verifies `rows` (in `seq` order, as the store returns them) from `from` (a state already verified up to
 * `from.count` links, or the start). Stops at the first link that fails; the links before it stand.
 */
export async function verifyLinks(vaultId: string, rows: readonly unknown[], from?: { state: LedgerState; count: number; head: Uint8Array; root: Uint8Array | null }, cache: KeyCache = new Map()): Promise<Verified> {
  const state = from?.state ?? emptyState(vaultId);
  let count = from?.count ?? 0;
  let head = from?.head ?? NO_PREV;
  let root = from?.root ?? null;
  for (const row of rows) {
    const seq = count;
    try {
      const link = parseLink(row, seq);
      if (!bytesEqual(link.prev, head)) throw new BadLink('it does not follow the link before it');
      const point = signingKeyFor(state, link);
      const key = await keyFor(cache, point).catch(() => {
        throw new BadLink('its signing key is malformed');
      });
      if (!(await verify(key, link.sig, signedBytes(vaultId, link)))) throw new BadLink('its signature does not verify');
      apply(state, link);
      head = await linkHash(vaultId, link);
      if (seq === 0) root = head;
      count++;
    } catch (error) {
      if (error instanceof BadLink || error instanceof Refused) return { state, count, head, root, problem: { seq, why: error.message } };
      throw error;
    }
  }
  return { state, count, head, root, problem: null };
}

/**
 * Holds a verified ledger against what this user verified before. The pinned first link must be the same, and the
 * pinned link must still be there with the same hash: otherwise the ledger was replaced or rolled back. A replaced
 * root trusts nothing; a rollback keeps the (older, authentic) prefix that still verifies, reported.
 */
export async function checkPin(vaultId: string, rows: readonly unknown[], verified: Verified, pin: Pin | null): Promise<Verified> {
  if (!pin) return verified;
  // Link 0 itself did not verify: that reason is the more precise one.
  if (!verified.root && verified.problem) return { ...verified, state: emptyState(vaultId) };
  if (!verified.root || !bytesEqual(verified.root, pin.root)) {
    return { state: emptyState(vaultId), count: 0, head: NO_PREV, root: null, problem: { seq: 0, why: 'the first link is not the one you verified before (the ledger was replaced)' } };
  }
  if (verified.count <= pin.seq) {
    return { ...verified, problem: verified.problem ?? { seq: verified.count, why: `links you verified before (up to ${pin.seq}) are missing (the ledger was rolled back)` } };
  }
  const pinned = parseLink(rows[pin.seq], pin.seq);
  if (!bytesEqual(await linkHash(vaultId, pinned), pin.head)) {
    return { state: emptyState(vaultId), count: 0, head: NO_PREV, root: null, problem: { seq: pin.seq, why: 'a link you verified before was changed' } };
  }
  return verified;
}
