// Owns preparing a new key before it is written: its row, first version and owner grant sealed under a fresh data
// key, with a non-extractable copy of that key kept for the ring. Shared by creating one key and importing many.

import { generateDataKey, randomId, seal, unwrapDataKey, wrapKey, type DataKey } from '../../crypto';
import type { GrantRow, KeyRow, VersionRow } from '../../storage';
import { aad } from '../context';
import { guarded } from '../failures';
import type { SealedMeta } from '../records';
import { checkActivation, checkRotation } from '../validate';
import { DEFAULT_ROTATION, KEEP_VERSIONS, type KeyId, type KeyState, type VersionOrigin } from '../types';
import type { SessionContext } from './context';
import { versionFacts } from '../key-fields';
import { sealedRow, type Held } from './held';

export interface NewKey {
  id: KeyId;
  row: KeyRow;
  version: VersionRow;
  grant: GrantRow;
  /** The data key, unwrapped from the grant just made (which proves the grant opens). */
  dek: DataKey;
  held: Held;
}

/** A new key's rows, ready to add in one transaction; nothing is written. Validates rotation and activation. */
export async function prepareNewKey(
  ctx: SessionContext,
  meta: SealedMeta,
  material: Uint8Array,
  origin: VersionOrigin,
  input: { rotation?: unknown; activationAt?: unknown },
): Promise<NewKey> {
  const userKey = ctx.key();
  const rotation = input.rotation === undefined ? { ...DEFAULT_ROTATION } : checkRotation(input.rotation);
  const now = ctx.clock.now();
  const activationAt = checkActivation(input.activationAt ?? null);
  const id = randomId() as KeyId;
  const userId = ctx.user.id;
  const state: KeyState = activationAt !== null && activationAt > now ? 'pre-activation' : 'active';
  const fullMeta: SealedMeta = { ...meta, history: [{ at: now, actor: userId, action: 'created', to: state, version: 1 }] };
  const plain: KeyRow = {
    id,
    createdAt: now,
    updatedAt: now,
    currentVersion: 1,
    currentOrigin: origin,
    currentCompromisedAt: null,
    minVersion: 1,
    keepVersions: KEEP_VERSIONS.default,
    state,
    stateChangedAt: now,
    activationAt,
    rotationDays: rotation.periodDays,
    autoRotate: rotation.auto,
    lastRotatedAt: now,
    destroyAt: null,
    sealedMeta: new Uint8Array(0),
  };
  return guarded(async () => {
    const dek = await generateDataKey();
    const grant: GrantRow = { keyId: id, principalId: userId, permission: 'owner', createdAt: now, wrappedDek: await wrapKey(userKey, dek, aad.dek(id, userId)) };
    const version: VersionRow = { keyId: id, version: 1, createdAt: now, origin, sealedValue: await seal(dek, material, aad.value(id, 1)), destroyedAt: null, compromisedAt: null };
    const { row, fields } = await sealedRow(dek, plain, fullMeta, [versionFacts(version)], null);
    // Keep only a non-extractable copy in memory: unwrap what was just stored, which also proves it opens.
    const kept = await unwrapDataKey(userKey, grant.wrappedDek!, aad.dek(id, userId));
    return { id, row, version, grant, dek: kept, held: { row, meta: fullMeta, permission: 'owner', grant, fields } };
  });
}
