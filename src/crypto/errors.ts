// Owns the crypto layer's error class: every failure of a cryptographic operation is one of these codes.

export type CryptoErrorCode =
  /** AES-GCM authentication failed: wrong key, tampered bytes or wrong context (AAD). */
  | 'DecryptFailed'
  /** A wrapped key could not be unwrapped: wrong wrapping key, tampered bytes or wrong context. */
  | 'UnwrapFailed'
  /** A sealed envelope is malformed (too short, unknown format byte) before any decryption. */
  | 'MalformedEnvelope'
  /** The platform lacks a needed primitive. */
  | 'Unsupported'
  /** Key material handed in is refused before use: a WebAuthn PRF output that is not 32 bytes, or is all zero. */
  | 'WeakKeyMaterial';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
