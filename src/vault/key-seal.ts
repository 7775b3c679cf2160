// Owns the envelopes of a key row (docs/FORMAT.md §2 and §2.1): its metadata and authenticated fields sealed under the
// data key — or, for a key with a meta key, the metadata under the meta key and the meta key with the fields under the
// data key — and opening them again with the fields checked against the row, legacy envelopes (no fields) included.

import { bytesEqual, concatBytes, open, parseJson, randomBytes, seal, sha256, utf8Decode, utf8Encode, type DataKey } from '../crypto';
import type { KeyRow } from '../storage';
import { aad } from './context';
import { fieldsMatch, parseFields, type KeyFields } from './key-fields';
import { parseMetaValue, type SealedMeta } from './records';

/** A meta key is an AES-256 key: 32 raw bytes. */
export const META_KEY_BYTES = 32;
/** SHA-256 of `sealedMeta`, bound beside the meta key under the DEK: a "view" holder cannot re-seal the metadata. */
const META_HASH_BYTES = 32;

/** A key row whose plaintext fields differ from their sealed copy: changed outside Keyward (issue #14). */
export class FieldsMismatch extends Error {
  constructor() {
    super("the key row's fields do not match their sealed copy");
    this.name = 'FieldsMismatch';
  }
}

/** A key row opened: its metadata, and its sealed fields (null: a legacy envelope, made before fields were sealed). */
export interface OpenedRow {
  meta: SealedMeta;
  fields: KeyFields | null;
}

async function importMetaKey(raw: Uint8Array, extractable: boolean): Promise<DataKey> {
  if (raw.length !== META_KEY_BYTES) throw new TypeError('a meta key is 32 bytes');
  return (await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt'])) as DataKey;
}

/** A fresh meta key's raw bytes: for a key's first "view" grant, a re-key, a merge — never the data key (issue #14, attack 2). */
export function newMetaKeyBytes(): Uint8Array {
  return randomBytes(META_KEY_BYTES);
}

/** The meta key as a "view" grant wraps it: extractable, only inside the operation that wraps it. */
export function metaKeyToWrap(raw: Uint8Array): Promise<DataKey> {
  return importMetaKey(raw, true);
}

/** Opens `sealed` under the current context, else the legacy one (version 0); which one opened it. */
async function openEither(key: DataKey, sealed: Uint8Array, current: Uint8Array, legacy: Uint8Array): Promise<{ plain: Uint8Array; legacy: boolean }> {
  try {
    return { plain: await open(key, sealed, current), legacy: false };
  } catch {
    return { plain: await open(key, sealed, legacy), legacy: true };
  }
}

/**
 * The meta key's raw bytes, the hash of the metadata sealed under it and the fields bound with them, from
 * KeyRow.wrappedMetaKey (fields and hash null: legacy).
 */
export async function openWrappedMetaKey(id: string, dek: DataKey, wrapped: Uint8Array): Promise<{ raw: Uint8Array; metaHash: Uint8Array | null; fields: KeyFields | null }> {
  const { plain, legacy } = await openEither(dek, wrapped, aad.metaKeyFields(id), aad.metaKey(id));
  try {
    if (legacy) {
      if (plain.length !== META_KEY_BYTES) throw new TypeError('a legacy meta key is 32 bytes');
      return { raw: plain.slice(), metaHash: null, fields: null };
    }
    const start = META_KEY_BYTES + META_HASH_BYTES;
    if (plain.length <= start) throw new TypeError('the meta key carries no fields');
    return { raw: plain.slice(0, META_KEY_BYTES), metaHash: plain.slice(META_KEY_BYTES, start), fields: parseFields(parseJson(utf8Decode(plain.subarray(start)))) };
  } finally {
    plain.fill(0);
  }
}

/** The metadata, and the fields copied beside it (null in a legacy envelope). */
async function openMeta(id: string, key: DataKey, sealed: Uint8Array): Promise<OpenedRow> {
  const { plain, legacy } = await openEither(key, sealed, aad.metaFields(id), aad.meta(id));
  const value: unknown = parseJson(utf8Decode(plain));
  const meta = parseMetaValue(value);
  return { meta, fields: legacy ? null : parseFields((value as { fields?: unknown }).fields) };
}

function checked(row: KeyRow, opened: OpenedRow): OpenedRow {
  if (opened.fields && !fieldsMatch(row, opened.fields)) throw new FieldsMismatch();
  return opened;
}

/**
 * Opens a key row with its data key. The fields are the DEK-bound copy: in the metadata for a key without a meta key,
 * beside the meta key in `wrappedMetaKey` otherwise (the metadata's copy is then ignored: a "view" holder could have
 * sealed it). Throws FieldsMismatch when the plaintext row says anything else.
 */
export async function openKeyRow(row: KeyRow, dek: DataKey): Promise<OpenedRow> {
  const id = row.id;
  if (!row.wrappedMetaKey) return checked(row, await openMeta(id, dek, row.sealedMeta));
  const { raw, metaHash, fields } = await openWrappedMetaKey(id, dek, row.wrappedMetaKey);
  // The metadata must be the one sealed with the fields: a "view" holder re-sealing it (a name, notes) is refused.
  if (metaHash && !bytesEqual(metaHash, await sha256(row.sealedMeta))) {
    raw.fill(0);
    throw new FieldsMismatch();
  }
  let metaKey: DataKey;
  try {
    metaKey = await importMetaKey(raw, false);
  } finally {
    raw.fill(0);
  }
  const { meta } = await openMeta(id, metaKey, row.sealedMeta);
  return checked(row, { meta, fields });
}

/** Opens a key row with a "view" grant's meta key: the fields copied into the metadata are checked where present. */
export async function openKeyRowAsViewer(row: KeyRow, metaKey: DataKey): Promise<OpenedRow> {
  return checked(row, await openMeta(row.id, metaKey, row.sealedMeta));
}

/**
 * Seals a key row's metadata and fields for a write (FORMAT.md §2.1). `metaRaw`: the key's meta key when it has one
 * (then the metadata, with a copy of the fields, goes under it, and the meta key with the fields under the DEK).
 */
export async function sealKeyRow(id: string, dek: DataKey, meta: SealedMeta, fields: KeyFields, metaRaw: Uint8Array | null): Promise<{ sealedMeta: Uint8Array; wrappedMetaKey?: Uint8Array }> {
  const metaJson = utf8Encode(JSON.stringify({ ...meta, fields }));
  if (metaRaw === null) return { sealedMeta: await seal(dek, metaJson, aad.metaFields(id)) };
  const metaKey = await importMetaKey(metaRaw, false);
  const sealedMeta = await seal(metaKey, metaJson, aad.metaFields(id));
  const plain = concatBytes(metaRaw, await sha256(sealedMeta), utf8Encode(JSON.stringify(fields)));
  try {
    return { sealedMeta, wrappedMetaKey: await seal(dek, plain, aad.metaKeyFields(id)) };
  } finally {
    plain.fill(0);
  }
}
