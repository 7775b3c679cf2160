// Owns a new vault's first link (docs/FORMAT.md §7.5): the owner's signing key, made and sealed under their user key,
// the genesis link it signs, and the owner's pin on it — all written in the vault's creation transaction.

import { pointFromJwk, toBase64Url, type UserKey } from '../../crypto';
import type { LedgerRow } from '../../storage';
import { newUserSigningKey } from '../principals';
import { makeLinks } from './append';
import { NO_PREV } from './codec';
import { sealPin } from './pin';
import { emptyState } from './rules';

export async function ownerGenesis(input: { vaultId: string; userId: string; name: string; publicKey: JsonWebKey; userKey: UserKey; at: number }): Promise<{ link: LedgerRow; sealedSigningKey: Uint8Array; pin: Uint8Array }> {
  const { sealed: sealedSigningKey, ...signer } = await newUserSigningKey(input.userId, input.userKey);
  const user = { id: input.userId, name: input.name, role: 'owner' as const, ecdh: toBase64Url(pointFromJwk(input.publicKey)), sign: signer.point };
  const made = await makeLinks(input.vaultId, emptyState(input.vaultId), { count: 0, head: NO_PREV }, input.userId, signer, [{ type: 'genesis', vaultId: input.vaultId, user }], input.at);
  const pin = await sealPin(input.userId, input.userKey, { root: made.head.head, seq: 0, head: made.head.head });
  return { link: made.rows[0]!, sealedSigningKey, pin };
}
