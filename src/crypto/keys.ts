// Owns the branded key types, so a key-encryption key can never be passed where a data key belongs.

export type Kek = CryptoKey & { readonly __brand: 'Kek' };
/** A user's own AES-256 key: wraps that user's data keys. */
export type UserKey = CryptoKey & { readonly __brand: 'UserKey' };
/** A per-record AES-256-GCM data key (DEK). */
export type DataKey = CryptoKey & { readonly __brand: 'DataKey' };
/** Any key that can wrap and unwrap other keys. */
export type WrappingKey = Kek | UserKey;
