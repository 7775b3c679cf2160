// Owns the bytes of the ledger (docs/FORMAT.md §7.1–§7.2): the shape a stored link must have before anything reads
// it, and the exact bytes a link's signature and hash cover. Rows come from storage, so from anyone: checked first.

import { fromBase64Url, sha256, toBase64Url, utf8Encode, POINT_BYTES, SIGNATURE_BYTES } from '../../crypto';
import type { LedgerBody, LedgerRow, LedgerUser } from '../../storage';

/** The first element of every signed array: the format, so bytes signed for anything else never verify as a link. */
export const LEDGER_FORMAT = 'keyward-ledger/v1';
export const HASH_BYTES = 32;
/** Link 0's `prev`. */
export const NO_PREV = new Uint8Array(HASH_BYTES);

const ROLES = ['owner', 'admin', 'member', 'auditor'] as const;
const ASSIGNABLE = ['admin', 'member', 'auditor'] as const;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NAME = 64;
const MAX_CLIENT = 200;

/** Why a stored link was refused, in plain words (never a value from the row). */
export class BadLink extends Error {}

function str(v: unknown, what: string, max = 256): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new BadLink(`${what} is missing or malformed`);
  return v;
}

function id(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ID.test(v)) throw new BadLink(`${what} is not an id`);
  return v;
}

function point(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new BadLink(`${what} is not a public key`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(v);
  } catch {
    throw new BadLink(`${what} is not a public key`);
  }
  if (bytes.length !== POINT_BYTES || bytes[0] !== 4 || toBase64Url(bytes) !== v) throw new BadLink(`${what} is not a public key`);
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) throw new BadLink(`${what} is not one of ${options.join(', ')}`);
  return v as T;
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadLink(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function user(v: unknown): LedgerUser {
  const u = record(v, 'the user');
  return {
    id: id(u.id, 'the user id'),
    name: str(u.name, 'the user name', MAX_NAME),
    role: oneOf(u.role, ROLES, 'the role'),
    ecdh: point(u.ecdh, 'the ECDH key'),
    sign: u.sign === null ? null : point(u.sign, 'the signing key'),
  };
}

/** The statement of a stored link, rebuilt from known fields only (anything else in the row is ignored). */
export function parseBody(v: unknown): LedgerBody {
  const b = record(v, 'the statement');
  switch (b.type) {
    case 'genesis':
      return { type: 'genesis', vaultId: id(b.vaultId, 'the vault id'), user: user(b.user) };
    case 'user.add':
      return { type: 'user.add', user: user(b.user) };
    case 'user.keys': {
      const first = b.first === null ? null : { client: str(record(b.first, 'the first sign-in').client, 'the client', MAX_CLIENT) };
      return { type: 'user.keys', id: id(b.id, 'the user id'), ecdh: point(b.ecdh, 'the ECDH key'), sign: point(b.sign, 'the signing key'), first };
    }
    case 'user.role':
      return { type: 'user.role', id: id(b.id, 'the user id'), role: oneOf(b.role, ASSIGNABLE, 'the role') };
    case 'user.remove':
      return { type: 'user.remove', id: id(b.id, 'the user id') };
    case 'group.add':
    case 'group.keys':
      return { type: b.type, id: id(b.id, 'the group id'), ecdh: point(b.ecdh, 'the ECDH key') };
    case 'group.remove':
      return { type: 'group.remove', id: id(b.id, 'the group id') };
    case 'member.add':
    case 'member.remove':
      return { type: b.type, group: id(b.group, 'the group id'), user: id(b.user, 'the user id') };
    default:
      throw new BadLink('the statement has an unknown type');
  }
}

/** A stored row as a link, or BadLink: every field checked, the statement rebuilt. */
export function parseLink(row: unknown, seq: number): LedgerRow {
  const r = record(row, 'the link');
  if (r.seq !== seq) throw new BadLink('the links are not numbered in order');
  if (typeof r.at !== 'number' || !Number.isFinite(r.at) || r.at < 0) throw new BadLink('the time is not a time');
  if (!(r.prev instanceof Uint8Array) || r.prev.length !== HASH_BYTES) throw new BadLink('the previous link hash is malformed');
  if (!(r.sig instanceof Uint8Array) || r.sig.length !== SIGNATURE_BYTES) throw new BadLink('the signature is malformed');
  return { seq, at: r.at, by: id(r.by, 'the signer'), body: parseBody(r.body), prev: r.prev, sig: r.sig };
}

/** A JSON value with every object's keys in code-unit order: the one serialization of a statement. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * The bytes a link's signature and hash cover (FORMAT.md §7.1): UTF-8 of the JSON array
 * ["keyward-ledger/v1", vaultId, seq, at, by, base64url(prev), statement with sorted keys].
 */
export function signedBytes(vaultId: string, link: Omit<LedgerRow, 'sig'>): Uint8Array<ArrayBuffer> {
  return utf8Encode(JSON.stringify([LEDGER_FORMAT, vaultId, link.seq, link.at, link.by, toBase64Url(link.prev), canonical(link.body)]));
}

/** The hash the next link's `prev` holds, and the pin keeps: SHA-256 of the signed bytes (not of the signature). */
export function linkHash(vaultId: string, link: Omit<LedgerRow, 'sig'>): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(signedBytes(vaultId, link));
}
