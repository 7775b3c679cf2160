// Public face of the crypto layer: WebCrypto only, no DOM, no storage.

export { CryptoError, type CryptoErrorCode } from './errors';
export { parseJson, POISONED_JSON_KEYS } from './json';
export { utf8Encode, utf8Decode, toHex, fromHex, toBase64, fromBase64, toBase64Url, fromBase64Url, concatBytes, bytesEqual } from './bytes';
export {
  randomBytes,
  randomId,
  generateSecret,
  encodeSecret,
  SECRET_FORMATS,
  SECRET_MIN_BYTES,
  SECRET_MAX_BYTES,
  SECRET_DEFAULT_BYTES,
  type SecretFormat,
} from './random';
export {
  KDF_NAME,
  DEFAULT_ITERATIONS,
  MIN_ITERATIONS,
  MAX_ITERATIONS,
  SALT_BYTES,
  checkKdfParams,
  newKdfParams,
  deriveKek,
  pbkdf2Sha256,
  calibrateIterations,
  isWellFormed,
  type KdfParams,
  type CalibrateOptions,
} from './kdf';
export { seal, open, contextAad, aesGcmEncrypt, aesGcmDecrypt, IV_BYTES, TAG_BYTES, ENVELOPE_VERSION, SEAL_DOMAIN, WRAP_DOMAIN, type SealingKey } from './aead';
export { checkPrfOutput, derivePrfKek, PRF_BYTES, PRF_SALT_BYTES, PASSKEY_SLOT_INFO } from './prf';
export { generateUserKey, generateDataKey, wrapKey, unwrapUserKey, unwrapDataKey, WRAPPED_KEY_BYTES, type KeyOptions } from './wrap';
export type { Kek, UserKey, DataKey, WrappingKey } from './keys';
export { generateEcdhKeyPair, exportEcdhPrivate, importEcdhPrivate, wrappingKeyFor, wrappingKeyFrom, EPK_BYTES, type EcdhKeyPair } from './ecdh';
export {
  generateTypedKey,
  importKeyMaterial,
  exportPublicPem,
  exportPrivatePem,
  ed25519Supported,
  checkKeyAlgorithm,
  describeAlgorithm,
  isSymmetric,
  TypedKeyError,
  RSA_SIZES,
  type KeyAlgorithm,
  type KeyAlgorithmKind,
  type KeyMaterial,
  type RsaSize,
  type TypedKeyErrorReason,
} from './typed-keys';
export {
  generateSigningKeyPair,
  exportSigningPrivate,
  importSigningPrivate,
  importVerifyKey,
  sign,
  verify,
  sha256,
  pointFromJwk,
  jwkFromPoint,
  POINT_BYTES,
  SIGNATURE_BYTES,
  type SigningKeyPair,
} from './sign';
