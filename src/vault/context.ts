// Owns the AAD of every envelope and wrapping the vault writes (docs/FORMAT.md §2): one place, so contexts never drift.

import { contextAad } from '../crypto';

export const aad = {
  /** The user key wrapped under that user's KEK. */
  userKey: (userId: string) => contextAad('user', userId, 'userKey'),
  /** A key's DEK wrapped for one principal. */
  dek: (keyId: string, principalId: string) => contextAad('dek', keyId, principalId),
  /** A key's sealed metadata (name, format, tags, notes). */
  meta: (keyId: string) => contextAad('key', keyId, 'meta'),
  /** One version's sealed value. */
  value: (keyId: string, version: number) => contextAad('key', keyId, 'value', version),
  /** The vault's audit key wrapped for one user. */
  auditKey: (userId: string) => contextAad('dek', 'audit', userId),
  /** The chain's HMAC key and the export signing key, sealed under the audit key. */
  auditSecret: (vaultId: string, which: 'macKey' | 'signingKey') => contextAad('audit', vaultId, which),
  /** One audit entry's details. */
  auditDetails: (seq: number) => contextAad('audit', String(seq), 'details'),
};
