// Owns the AAD of every envelope and wrapping the vault writes (docs/FORMAT.md §2): one place, so contexts never drift.

import { contextAad } from '../crypto';

export const aad = {
  /** The user key wrapped under that user's KEK. */
  userKey: (userId: string) => contextAad('user', userId, 'userKey'),
  /** A key's DEK wrapped for one principal. */
  dek: (keyId: string, principalId: string) => contextAad('dek', keyId, principalId),
  /** A "view" grant's wrapping of a key's meta key (version 2). */
  grantMeta: (keyId: string, principalId: string) => contextAad('dek', keyId, principalId, 1),
  /** A key's meta key sealed under its DEK (KeyRow.wrappedMetaKey, version 2). */
  metaKey: (keyId: string) => contextAad('dek', keyId, 'meta'),
  /** A user's ECDH private key sealed under their user key (version 2). */
  userPrivate: (userId: string) => contextAad('user', userId, 'privateKey'),
  /** A user's ECDSA signing key sealed under their user key (version 3, issue #14). */
  userSigning: (userId: string) => contextAad('user', userId, 'signingKey'),
  /** A user's pin on the ledger, sealed under their user key (version 3, issue #14). */
  pin: (userId: string) => contextAad('user', userId, 'pin'),
  /** A group's private key sealed for one member (version 2); the member's id is the context's field. */
  member: (groupId: string, userId: string) => contextAad('group', groupId, `member:${userId}`),
  /** A group's name, sealed under the audit key (version 2). */
  groupName: (groupId: string) => contextAad('group', groupId, 'name'),
  /** A key's sealed metadata (name, format, tags, notes). */
  meta: (keyId: string) => contextAad('key', keyId, 'meta'),
  /** Issue #14 (FORMAT.md §2.1): a key's metadata with its authenticated fields, under the DEK or the meta key. */
  metaFields: (keyId: string) => contextAad('key', keyId, 'meta', 1),
  /** Issue #14 (FORMAT.md §2.1): a key's meta key (32 bytes) followed by its authenticated fields, sealed under the DEK. */
  metaKeyFields: (keyId: string) => contextAad('key', keyId, 'metaKey', 1),
  /** One version's sealed value. */
  value: (keyId: string, version: number) => contextAad('key', keyId, 'value', version),
  /** Issue #18, a passkey slot's key S: under KEK_prf ('prf'), under the user key ('slotKey'); the user key under S ('userKey'). */
  passkey: (userId: string, slotId: string, which: 'prf' | 'slotKey' | 'userKey') => contextAad('passkey', userId, `${slotId}:${which}`),
  /** The vault's audit key wrapped for one user. */
  auditKey: (userId: string) => contextAad('dek', 'audit', userId),
  /** The chain's HMAC key and the export signing key, sealed under the audit key. */
  auditSecret: (vaultId: string, which: 'macKey' | 'signingKey') => contextAad('audit', vaultId, which),
  /** One audit entry's details. */
  auditDetails: (seq: number) => contextAad('audit', String(seq), 'details'),
};
