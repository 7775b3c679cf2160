// Owns the decrypted shapes of stored records (key metadata, typed-key material) and their checks on read.

import { checkKeyAlgorithm, parseJson, type KeyAlgorithm, type KeyMaterial } from '../crypto';
import { KEY_KINDS, KEY_STATES, VALUE_FORMATS, type KeyEvent, type KeyKind, type SecretRecipe, type ValueFormat } from './types';

/** What is sealed in KeyRow.sealedMeta (docs/FORMAT.md §1). */
export interface SealedMeta {
  kind: KeyKind;
  name: string;
  format: ValueFormat;
  tags: string[];
  notes: string;
  algorithm: KeyAlgorithm | null;
  recipe: SecretRecipe | null;
  hasPrivate: boolean;
  compromiseReason: string | null;
  history: KeyEvent[];
}

const EVENT_ACTIONS: readonly KeyEvent['action'][] = ['created', 'rotated', 'state', 'policy', 'destruction-scheduled', 'destruction-cancelled', 'destroyed', 'versions-trimmed', 'oldest-usable'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOptional(v: unknown, type: 'string' | 'number'): boolean {
  return v === undefined || typeof v === type;
}

function isEvent(v: unknown): v is KeyEvent {
  return (
    isObject(v) &&
    typeof v.at === 'number' &&
    typeof v.actor === 'string' &&
    EVENT_ACTIONS.includes(v.action as KeyEvent['action']) &&
    (v.from === undefined || KEY_STATES.includes(v.from as never)) &&
    (v.to === undefined || KEY_STATES.includes(v.to as never)) &&
    isOptional(v.version, 'number') &&
    isOptional(v.reason, 'string')
  );
}

function isRecipe(v: unknown): v is SecretRecipe {
  return isObject(v) && typeof v.bytes === 'number' && (v.format === 'hex' || v.format === 'base64' || v.format === 'base64url');
}

/** Parses decrypted metadata; an impossible shape is a TypeError, reported by the vault as Corrupt. */
export function parseMeta(json: string): SealedMeta {
  return parseMetaValue(parseJson(json));
}

/** parseMeta on JSON already parsed (members other than the metadata's, such as `fields`, are ignored). */
export function parseMetaValue(m: unknown): SealedMeta {
  if (!isObject(m)) throw new TypeError('key metadata is not an object');
  const { kind, name, format, tags, notes, algorithm, recipe, hasPrivate, compromiseReason, history } = m;
  if (
    !KEY_KINDS.includes(kind as KeyKind) ||
    typeof name !== 'string' ||
    typeof notes !== 'string' ||
    !VALUE_FORMATS.includes(format as ValueFormat) ||
    !Array.isArray(tags) ||
    !tags.every((t) => typeof t === 'string') ||
    typeof hasPrivate !== 'boolean' ||
    !(compromiseReason === null || typeof compromiseReason === 'string') ||
    !(recipe === null || isRecipe(recipe)) ||
    !Array.isArray(history) ||
    !history.every(isEvent)
  ) {
    throw new TypeError('key metadata has an impossible shape');
  }
  const alg = algorithm === null ? null : checkKeyAlgorithm(algorithm);
  if ((kind === 'secret') !== (alg === null) || (alg !== null && alg.kind !== kind)) throw new TypeError('key metadata has an impossible shape');
  // Frozen here, so the summaries handed to the UI can share these arrays instead of copying them per key.
  return {
    kind: kind as KeyKind,
    name,
    format: format as ValueFormat,
    tags: Object.freeze(tags) as string[],
    notes,
    algorithm: alg,
    recipe: recipe as SecretRecipe | null,
    hasPrivate,
    compromiseReason,
    history: Object.freeze(history.map((e: KeyEvent) => Object.freeze(e))) as KeyEvent[],
  };
}

/** Parses a typed key's decrypted material (JWKs). */
export function parseMaterial(json: string): KeyMaterial {
  const m: unknown = parseJson(json);
  if (!isObject(m)) throw new TypeError('key material is not an object');
  const out: { secret?: JsonWebKey; privateKey?: JsonWebKey; publicKey?: JsonWebKey } = {};
  for (const part of ['secret', 'privateKey', 'publicKey'] as const) {
    const jwk = m[part];
    if (jwk === undefined) continue;
    if (!isObject(jwk) || typeof jwk.kty !== 'string') throw new TypeError(`key material "${part}" is not a JWK`);
    out[part] = jwk as JsonWebKey;
  }
  return out;
}
