// Owns making links (docs/FORMAT.md §7.1): numbered after the head, chained to it, signed by the writer's key, and
// checked against the rules before they are stored, so a session never writes a link that readers would refuse.

import { sign } from '../../crypto';
import type { LedgerBody, LedgerRow } from '../../storage';
import { linkHash, signedBytes } from './codec';
import { apply, cloneState, type LedgerState } from './rules';

export interface Head {
  count: number;
  head: Uint8Array;
}

/**
 * Signs `bodies` as the next links after `head`, by `by` with `key`. Checks them against a copy of `state` first
 * (a refusal throws Refused and nothing is signed). Returns the rows, the state after them and the new head.
 */
export async function makeLinks(
  vaultId: string,
  state: LedgerState,
  head: Head,
  by: string,
  key: CryptoKey,
  bodies: readonly LedgerBody[],
  at: number,
): Promise<{ rows: LedgerRow[]; state: LedgerState; head: Head }> {
  const next = cloneState(state);
  const rows: LedgerRow[] = [];
  let prev = head.head;
  let seq = head.count;
  for (const body of bodies) {
    const unsigned = { seq, at, by, body, prev };
    apply(next, { ...unsigned, sig: new Uint8Array(64) });
    const sig = await sign(key, signedBytes(vaultId, unsigned));
    rows.push({ ...unsigned, sig });
    prev = await linkHash(vaultId, unsigned);
    seq++;
  }
  return { rows, state: next, head: { count: seq, head: prev } };
}
