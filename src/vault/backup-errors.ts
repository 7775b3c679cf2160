// Owns what the rest of the app needs to know about backups without loading the backup code: the
// error class with its codes and words, the size limit, and the format version written.

/** The version this code writes. Version 1 (JSON payload) is still read, forever (FORMAT.md §6.5). */
export const BACKUP_VERSION = 2;
export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

export type BackupErrorCode =
  | 'Empty'
  | 'TooLarge'
  | 'NotBackup'
  | 'NewerVersion'
  | 'KdfOutOfBounds'
  | 'WrongPassword'
  | 'Damaged'
  | 'Truncated';

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Plain words for each code: the same in the app and in `npm run decrypt-backup`. */
export const BACKUP_ERROR_WORDS: Readonly<Record<BackupErrorCode, string>> = Object.freeze({
  Empty: 'The file is empty.',
  TooLarge: `The file is larger than ${MAX_BACKUP_BYTES / 1024 / 1024} MiB, more than any Keyward backup can be.`,
  NotBackup: 'This is not a Keyward backup file.',
  NewerVersion: 'This backup was made by a newer version of Keyward. Update Keyward to read it.',
  KdfOutOfBounds: 'The backup asks for key-derivation settings outside the safe range; it was not made by Keyward or was altered.',
  WrongPassword: 'That password does not open this backup.',
  Damaged: 'The backup file is damaged or was altered; it cannot be trusted.',
  Truncated: 'The backup file is incomplete: it was cut off (an interrupted download or copy?).',
});

