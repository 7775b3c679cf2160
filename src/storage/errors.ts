// Owns the storage layer's error class: what IndexedDB refused, in codes the vault can act on.

export type StorageErrorCode =
  /** IndexedDB is missing (some private modes) or refused to open. */
  | 'Unavailable'
  /** The quota is exhausted; the transaction was rolled back. */
  | 'QuotaExceeded'
  /** The database on disk is newer than this code (another tab runs a newer version). */
  | 'VersionTooNew'
  /** An add() met an existing key (ConstraintError). */
  | 'Conflict'
  /** The transaction was aborted or the connection closed; nothing was written. */
  | 'Aborted';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Maps a DOMException from IndexedDB to a StorageError; other errors pass through unchanged. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof StorageError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'QuotaExceededError':
      return new StorageError('QuotaExceeded', 'storage quota exceeded', { cause: error });
    case 'ConstraintError':
      return new StorageError('Conflict', 'a record with this key already exists', { cause: error });
    case 'VersionError':
      return new StorageError('VersionTooNew', 'the stored database is newer than this app', { cause: error });
    case 'AbortError':
    case 'InvalidStateError':
    case 'TransactionInactiveError':
    case 'UnknownError':
      return new StorageError('Aborted', `the storage transaction did not complete (${String(name)})`, { cause: error });
    default:
      return error;
  }
}
