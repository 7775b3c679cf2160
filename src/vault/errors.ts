// Owns the vault layer's error class and its codes; src/ui/messages.ts turns codes into words.

export type VaultErrorCode =
  /** The password does not open this vault (one message, no hint which part was wrong). */
  | 'WrongPassword'
  /** A new password is shorter than MIN_PASSWORD_LENGTH. */
  | 'PasswordTooShort'
  /** create() was called where a vault already exists. */
  | 'VaultExists'
  /** unlock() was called where no vault exists. */
  | 'NoVault'
  /** The session was locked; unlock again. */
  | 'Locked'
  /** No key with that id. */
  | 'NotFound'
  /** A name, value, tag, note or setting is missing, too long or malformed; `field` names which. */
  | 'InvalidInput'
  /** Stored data failed to decrypt or has an impossible shape. */
  | 'Corrupt'
  /** IndexedDB refused the write (quota, eviction, closed database); nothing was changed. */
  | 'StorageFailed'
  /** What this change was made from was changed meanwhile by another tab; nothing was written. Look again, then retry. */
  | 'ChangedElsewhere'
  /** IndexedDB is not available in this browser (some private modes). */
  | 'NoStorage'
  /** The browser's storage quota for this site is used up; the transaction was rolled back, nothing was changed. */
  | 'StorageFull'
  /** The stored database was upgraded by a newer version of Keyward (another tab); this page must reload. */
  | 'NewerVersion'
  /** The key's state does not allow this change (NIST SP 800-57 transitions). */
  | 'IllegalTransition'
  /** The key's state (suspended, pending destruction, destroyed, retired version…) forbids this use. */
  | 'KeyNotUsable'
  /** This browser lacks the algorithm (e.g. Ed25519). */
  | 'Unsupported'
  /** The signed-in user's role or grant does not allow this (recorded as access.denied). */
  | 'AccessDenied'
  /** A user added with a one-time password must choose their own first. */
  | 'PasswordChangeRequired'
  /** Issue #18: the passkey's answer does not open this vault (unknown credential, wrong or malformed PRF output). */
  | 'PasskeyRefused';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  /** For InvalidInput: which input, e.g. "name", "value", "tags", "notes", "password". */
  readonly field: string | undefined;

  constructor(code: VaultErrorCode, message: string, options: { cause?: unknown; field?: string } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}

export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
