// Owns passkey slots (issue #18, docs/FORMAT.md §3.2): making one from a PRF output, opening the user key through one,
// re-wrapping every slot for a new user key, and the bounds on what a slot holds. No WebAuthn here: the UI asks the
// authenticator and hands its PRF output in; the vault layer never touches navigator.

import { bytesEqual, CryptoError, derivePrfKek, generateUserKey, PRF_SALT_BYTES, randomBytes, randomId, unwrapUserKey, wrapKey, type UserKey } from '../crypto';
import type { PasskeySlotRow, UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError } from './failures';

/** At most this many passkeys per user. */
export const MAX_PASSKEYS = 10;
/** A passkey's name: 1 to 64 characters. */
export const PASSKEY_NAME_MAX = 64;
/** WebAuthn credential ids are at most 1023 bytes (WebAuthn Level 3, §5.1 credential id). */
export const CREDENTIAL_ID_MAX = 1023;

/** What the unlock screen hands the authenticator for one slot: nothing secret. */
export interface PasskeyRequest {
  credentialId: Uint8Array;
  prfSalt: Uint8Array;
}

/** A slot as Settings lists it. */
export interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What the browser's dialog gave back when a passkey was made. */
export interface NewPasskey {
  name: string;
  credentialId: Uint8Array;
  prfOutput: Uint8Array;
}

export function slotsOf(user: UserRow): PasskeySlotRow[] {
  return Array.isArray(user.passkeys) ? user.passkeys : [];
}

export function passkeyInfo(slot: PasskeySlotRow): PasskeyInfo {
  return { id: slot.id, name: slot.name, createdAt: slot.createdAt, lastUsedAt: slot.lastUsedAt };
}

export function newPrfSalt(): Uint8Array {
  return randomBytes(PRF_SALT_BYTES);
}

export function checkPasskeyName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || [...trimmed].length > PASSKEY_NAME_MAX || /[\p{Cc}]/u.test(trimmed)) {
    throw new VaultError('InvalidInput', `a passkey needs a name of 1 to ${PASSKEY_NAME_MAX} characters`, { field: 'passkeyName' });
  }
  return trimmed;
}

export function checkCredentialId(id: unknown): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length === 0 || id.length > CREDENTIAL_ID_MAX) throw new VaultError('InvalidInput', 'the passkey gave no usable credential id', { field: 'credentialId' });
  return id;
}

/**
 * A new slot for `userKey` (opened extractable, with the password): a random slot key S, wrapped under the KEK from the
 * PRF output and under the user key, and the user key wrapped under S. Opened once through the slot before it is
 * returned, so a slot that would not unlock is never stored. A bad PRF output is refused before anything is wrapped.
 */
export async function makeSlot(userId: string, userKey: UserKey, input: NewPasskey & { prfSalt: Uint8Array }, now: number): Promise<PasskeySlotRow> {
  const name = checkPasskeyName(input.name);
  const credentialId = checkCredentialId(input.credentialId);
  const id = randomId();
  try {
    const kek = await derivePrfKek(input.prfOutput, input.prfSalt);
    const slotKey = await generateUserKey();
    const slot: PasskeySlotRow = {
      id,
      name,
      credentialId: new Uint8Array(credentialId),
      prfSalt: new Uint8Array(input.prfSalt),
      createdAt: now,
      lastUsedAt: null,
      wrappedSlotKey: await wrapKey(kek, slotKey, aad.passkey(userId, id, 'prf')),
      slotKeyUnderUser: await wrapKey(userKey, slotKey, aad.passkey(userId, id, 'slotKey')),
      wrappedUserKey: await wrapKey(slotKey, userKey, aad.passkey(userId, id, 'userKey')),
    };
    await openWithSlot(userId, slot, input.prfOutput);
    return slot;
  } catch (error) {
    throw refusal(error);
  }
}

/** Unlock through a slot: PRF output → KEK_prf → S → the user key (non-extractable). Any mismatch is PasskeyRefused. */
export async function openWithSlot(userId: string, slot: PasskeySlotRow, prfOutput: unknown): Promise<UserKey> {
  try {
    const kek = await derivePrfKek(prfOutput, slot.prfSalt);
    const slotKey = await unwrapUserKey(kek, slot.wrappedSlotKey, aad.passkey(userId, slot.id, 'prf'));
    return await unwrapUserKey(slotKey, slot.wrappedUserKey, aad.passkey(userId, slot.id, 'userKey'));
  } catch (error) {
    throw refusal(error);
  }
}

/** The slot a credential id belongs to, if any. */
export function slotFor(user: UserRow, credentialId: unknown): PasskeySlotRow | undefined {
  if (!(credentialId instanceof Uint8Array)) return undefined;
  return slotsOf(user).find((s) => s.credentialId instanceof Uint8Array && bytesEqual(s.credentialId, credentialId));
}

/**
 * A user-key rotation, without the authenticators: each slot's S is opened with the old user key, the new user key is
 * wrapped under S and S under the new user key. The PRF wrapping of S stays as it is.
 */
export async function rewrapSlots(userId: string, slots: readonly PasskeySlotRow[], oldKey: UserKey, newKey: UserKey): Promise<PasskeySlotRow[]> {
  return Promise.all(
    slots.map(async (slot) => {
      const slotKey = await unwrapUserKey(oldKey, slot.slotKeyUnderUser, aad.passkey(userId, slot.id, 'slotKey'), { extractable: true });
      return {
        ...slot,
        slotKeyUnderUser: await wrapKey(newKey, slotKey, aad.passkey(userId, slot.id, 'slotKey')),
        wrappedUserKey: await wrapKey(slotKey, newKey, aad.passkey(userId, slot.id, 'userKey')),
      };
    }),
  );
}

function refusal(error: unknown): VaultError {
  if (error instanceof CryptoError && (error.code === 'WeakKeyMaterial' || error.code === 'UnwrapFailed' || error.code === 'MalformedEnvelope')) {
    return new VaultError('PasskeyRefused', 'this passkey does not open this vault', { cause: error });
  }
  return asVaultError(error);
}
