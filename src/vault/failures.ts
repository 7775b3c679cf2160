// Owns the translation of lower-layer failures into VaultError, so the UI sees one error vocabulary.

import { CryptoError } from '../crypto';
import { StorageError } from '../storage';
import { VaultError } from './errors';

/** Rethrows anything from storage or crypto as a VaultError; VaultErrors pass unchanged. */
export function asVaultError(error: unknown): VaultError {
  if (error instanceof VaultError) return error;
  if (error instanceof StorageError) {
    if (error.code === 'Unavailable') return new VaultError('NoStorage', 'IndexedDB is not available', { cause: error });
    if (error.code === 'QuotaExceeded') return new VaultError('StorageFull', 'the storage quota is used up; nothing was changed', { cause: error });
    if (error.code === 'VersionTooNew') return new VaultError('NewerVersion', 'the stored database belongs to a newer version of the app', { cause: error });
    return new VaultError('StorageFailed', `the browser refused to save (${error.code}); nothing was changed`, { cause: error });
  }
  if (error instanceof CryptoError) return new VaultError('Corrupt', 'stored data failed to decrypt', { cause: error });
  if (error instanceof SyntaxError || error instanceof RangeError || error instanceof TypeError) {
    return new VaultError('Corrupt', 'stored data has an impossible shape', { cause: error });
  }
  return new VaultError('StorageFailed', 'an unexpected storage failure; nothing was changed', { cause: error });
}

export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asVaultError(error);
  }
}
