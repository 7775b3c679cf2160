// Owns a user's pin on the ledger (docs/FORMAT.md §7.4): the first link's hash and the last verified link's number
// and hash, sealed under their own user key, so that no one else can move what they have verified.

import { fromBase64Url, open, parseJson, seal, toBase64Url, utf8Decode, utf8Encode, type UserKey } from '../../crypto';
import { aad } from '../context';
import { HASH_BYTES } from './codec';
import type { Pin } from './verify';

export async function sealPin(userId: string, userKey: UserKey, pin: Pin): Promise<Uint8Array<ArrayBuffer>> {
  const json = JSON.stringify({ root: toBase64Url(pin.root), seq: pin.seq, head: toBase64Url(pin.head) });
  return seal(userKey, utf8Encode(json), aad.pin(userId));
}

/** The pin, or null when the row has none (a user who has not unlocked since the ledger came). Throws if it does not open. */
export async function openPin(userId: string, userKey: UserKey, sealed: Uint8Array | undefined): Promise<Pin | null> {
  if (!sealed) return null;
  const v = parseJson(utf8Decode(await open(userKey, sealed, aad.pin(userId)))) as { root?: unknown; seq?: unknown; head?: unknown };
  if (typeof v.root !== 'string' || typeof v.head !== 'string' || !Number.isSafeInteger(v.seq) || (v.seq as number) < 0) throw new TypeError('the pin is malformed');
  const root = fromBase64Url(v.root);
  const head = fromBase64Url(v.head);
  if (root.length !== HASH_BYTES || head.length !== HASH_BYTES) throw new TypeError('the pin is malformed');
  return { root, seq: v.seq as number, head };
}
