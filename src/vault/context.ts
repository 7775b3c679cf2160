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
};
