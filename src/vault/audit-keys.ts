// Owns the vault-wide audit keys: made at vault creation, wrapped for each user, opened at unlock.

import {
  generateDataKey,
  generateTypedKey,
  open,
  parseJson,
  randomBytes,
  seal,
  unwrapDataKey,
  utf8Decode,
  utf8Encode,
  wrapKey,
  type DataKey,
  type UserKey,
} from '../crypto';
import type { AuditMeta } from '../storage';
import { GENESIS } from './audit-chain';
import type { AuditKeys } from './audit-log';
import { aad } from './context';

async function importMacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** New audit keys for a new vault: the audit data key, the chain's MAC key and the export signing key. */
export async function createAuditKeys(vaultId: string, userId: string, userKey: UserKey): Promise<{ meta: AuditMeta; wrappedAuditKey: Uint8Array; keys: AuditKeys }> {
  const dek = await generateDataKey();
  const wrappedAuditKey = await wrapKey(userKey, dek, aad.auditKey(userId));
  const kept = await unwrapDataKey(userKey, wrappedAuditKey, aad.auditKey(userId));
  const macRaw = randomBytes(32);
  const signing = await generateTypedKey({ kind: 'ecdsa-p256' });
  const meta: AuditMeta = {
    sealedMacKey: await seal(dek, macRaw, aad.auditSecret(vaultId, 'macKey')),
    sealedSigningKey: await seal(dek, utf8Encode(JSON.stringify(signing.privateKey)), aad.auditSecret(vaultId, 'signingKey')),
    publicKey: signing.publicKey!,
    head: { seq: 0, mac: GENESIS },
  };
  const macKey = await importMacKey(macRaw);
  macRaw.fill(0);
  return { meta, wrappedAuditKey, keys: { vaultId, dek: kept, macKey } };
}

export async function openAuditKeys(vaultId: string, meta: AuditMeta, userId: string, wrappedAuditKey: Uint8Array, userKey: UserKey): Promise<AuditKeys> {
  const dek = await unwrapDataKey(userKey, wrappedAuditKey, aad.auditKey(userId));
  const raw = await open(dek, meta.sealedMacKey, aad.auditSecret(vaultId, 'macKey'));
  const macKey = await importMacKey(raw);
  raw.fill(0);
  return { vaultId, dek, macKey };
}

/** The export signing key, opened only for the moment an export is signed. */
export async function openSigningKey(vaultId: string, meta: AuditMeta, dek: DataKey): Promise<CryptoKey> {
  const jwk = parseJson(utf8Decode(await open(dek, meta.sealedSigningKey, aad.auditSecret(vaultId, 'signingKey')))) as JsonWebKey;
  const { key_ops: _o, ext: _e, ...bare } = jwk;
  return crypto.subtle.importKey('jwk', bare, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}
