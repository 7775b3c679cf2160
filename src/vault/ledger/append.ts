// Owns making links (docs/FORMAT.md §7.1): numbered after the head, chained to it, signed by the writer's key, and
// checked against the rules before they are stored, so a session never writes a link that readers would refuse.

import { sign } from '../../crypto';
import type { LedgerBody, LedgerRow } from '../../storage';
import { linkHash, signedBytes } from './codec';
import { apply, cloneState, Refused, signingKeyFor, type LedgerState } from './rules';

export interface Head {
  count: number;
  head: Uint8Array;
}

/** A private signing key and its public point (base64url), which must be the one the ledger expects for the link. */
export interface Signer {
  key: CryptoKey;
  point: string;
}

/**
 * Signs `bodies` as the next links after `head`, by `by` with `signer`. Checks each against a copy of `state` first —
 * its rules and that `signer` is the key readers will verify it with — so a refusal (Refused) signs nothing, and a
 * session never stores a link that readers would refuse. Returns the rows, the state after them and the new head.
 */
export async function makeLinks(
  vaultId: string,
  state: LedgerState,
  head: Head,
  by: string,
  signer: Signer,
  bodies: readonly LedgerBody[],
  at: number,
): Promise<{ rows: LedgerRow[]; state: LedgerState; head: Head }> {
  const next = cloneState(state);
  const rows: LedgerRow[] = [];
  let prev = head.head;
  let seq = head.count;
  for (const body of bodies) {
    const unsigned = { seq, at, by, body, prev };
    const link = { ...unsigned, sig: new Uint8Array(64) };
    if (signingKeyFor(next, link) !== signer.point) throw new Refused('your signing key is not the one the ledger expects for this');
    apply(next, link);
    const sig = await sign(signer.key, signedBytes(vaultId, unsigned));
    rows.push({ ...unsigned, sig });
    prev = await linkHash(vaultId, unsigned);
    seq++;
  }
  return { rows, state: next, head: { count: seq, head: prev } };
}
