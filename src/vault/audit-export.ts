// Owns audit exports: CSV for people, and signed JSON that anyone can verify offline without the vault.

import { fromBase64Url, parseJson, toBase64Url, toHex, utf8Encode } from '../crypto';
import type { AuditEntryView } from './audit-chain';

export const EXPORT_FORMAT = 'keyward-audit-export';
export const EXPORT_VERSION = 1;
const GENESIS_HASH = '0'.repeat(64);

/** One entry as exported: the Audit screen's view with an ISO time, and its place in the export's hash chain. */
export type ExportEntry = Omit<AuditEntryView, 'at'> & { at: string; prev: string; hash: string };

export interface AuditExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  vaultId: string;
  exportedAt: string;
  filter: Record<string, unknown>;
  signer: { publicKey: JsonWebKey; fingerprint: string };
  entries: ExportEntry[];
  head: string;
  signature: string;
}

/** JSON with object keys sorted at every level, so the bytes signed do not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8Encode(text))));
}

/** docs/AUDIT.md §5: hash_i = SHA-256("kw1|audit-export|" ‖ canonical(entry_i fields) ‖ "|" ‖ hash_{i-1}). */
export async function entryHash(e: Omit<ExportEntry, 'prev' | 'hash'>, prev: string): Promise<string> {
  const fields = [e.seq, e.at, e.actor, e.actorName, e.action, e.keyId, e.keyName, e.version, e.outcome, e.details];
  return sha256Hex(`kw1|audit-export|${canonicalJson(fields)}|${prev}`);
}

function signedBytes(x: Pick<AuditExport, 'format' | 'version' | 'vaultId' | 'exportedAt' | 'filter' | 'head'> & { count: number }): Uint8Array<ArrayBuffer> {
  return utf8Encode(canonicalJson(['kw1|audit-export-signature', x.format, x.version, x.vaultId, x.exportedAt, x.filter, x.count, x.head]));
}

/** SHA-256 of the public key's SPKI, hex in groups of four: what the app shows and the verifier prints. */
export async function fingerprintOf(publicKey: JsonWebKey): Promise<string> {
  const { key_ops: _o, ext: _e, ...bare } = publicKey;
  const key = await crypto.subtle.importKey('jwk', bare, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', key));
  const hex = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', spki)));
  return hex.match(/.{4}/g)!.join(' ');
}

export async function buildExport(input: {
  vaultId: string;
  exportedAt: number;
  filter: Record<string, unknown>;
  publicKey: JsonWebKey;
  signingKey: CryptoKey;
  entries: Omit<ExportEntry, 'prev' | 'hash'>[];
}): Promise<AuditExport> {
  const entries: ExportEntry[] = [];
  let prev = GENESIS_HASH;
  for (const e of input.entries) {
    const hash = await entryHash(e, prev);
    entries.push({ ...e, prev, hash });
    prev = hash;
  }
  const base = { format: EXPORT_FORMAT, version: EXPORT_VERSION, vaultId: input.vaultId, exportedAt: new Date(input.exportedAt).toISOString(), filter: input.filter, head: prev } as const;
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, input.signingKey, signedBytes({ ...base, count: entries.length })));
  const { key_ops: _o, ext: _e, ...publicKey } = input.publicKey;
  return { ...base, signer: { publicKey, fingerprint: await fingerprintOf(publicKey) }, entries, signature: toBase64Url(sig) };
}

/**
 * Every field of an exported entry present, with its type. Without this a missing field hashed like a null one
 * (canonicalJson writes undefined in an array as null), so deleting a null field went unnoticed.
 */
function isExportEntry(e: unknown): e is ExportEntry {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const o = e as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string';
  const textOrNull = (v: unknown) => v === null || typeof v === 'string';
  return (
    Number.isSafeInteger(o.seq) &&
    text(o.at) &&
    text(o.actor) &&
    textOrNull(o.actorName) &&
    text(o.action) &&
    textOrNull(o.keyId) &&
    textOrNull(o.keyName) &&
    (o.version === null || Number.isSafeInteger(o.version)) &&
    text(o.outcome) &&
    typeof o.details === 'object' &&
    o.details !== null &&
    !Array.isArray(o.details) &&
    text(o.prev) &&
    text(o.hash)
  );
}

export type VerifyResult = { ok: true; count: number; fingerprint: string } | { ok: false; reason: string; seq?: number };

/** Checks an export with nothing but WebCrypto: the shape, every entry's hash chain, and the signature. */
export async function verifyExport(data: unknown): Promise<VerifyResult> {
  const x = data as Partial<AuditExport> | null;
  if (typeof x !== 'object' || x === null || x.format !== EXPORT_FORMAT) return { ok: false, reason: 'not a Keyward audit export' };
  if (x.version !== EXPORT_VERSION) return { ok: false, reason: `export format version ${String(x.version)} is not supported` };
  if (
    !Array.isArray(x.entries) ||
    typeof x.head !== 'string' ||
    typeof x.signature !== 'string' ||
    typeof x.vaultId !== 'string' ||
    typeof x.exportedAt !== 'string' ||
    !x.signer?.publicKey ||
    typeof x.filter !== 'object' ||
    x.filter === null ||
    Array.isArray(x.filter)
  ) {
    return { ok: false, reason: 'the export is missing fields' };
  }
  let prev = GENESIS_HASH;
  for (const e of x.entries as unknown[]) {
    const seq = typeof (e as ExportEntry | null)?.seq === 'number' ? (e as ExportEntry).seq : undefined;
    if (!isExportEntry(e)) return { ok: false, reason: 'entry has an impossible shape (a field is missing or of the wrong type)', seq };
    if (e.prev !== prev) return { ok: false, reason: 'entry is out of chain (removed, inserted or reordered)', seq };
    const { prev: _p, hash, ...fields } = e;
    if ((await entryHash(fields, prev)) !== hash) return { ok: false, reason: 'entry was modified', seq };
    prev = hash;
  }
  if (prev !== x.head) return { ok: false, reason: 'the chain does not end at the signed head (entries removed at the end?)' };
  let fingerprint: string;
  let valid = false;
  try {
    fingerprint = await fingerprintOf(x.signer.publicKey);
    const { key_ops: _o, ext: _e, ...bare } = x.signer.publicKey;
    const key = await crypto.subtle.importKey('jwk', bare, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const sig = fromBase64Url(x.signature);
    valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, signedBytes({ format: EXPORT_FORMAT, version: EXPORT_VERSION, vaultId: x.vaultId, exportedAt: x.exportedAt, filter: x.filter, head: x.head, count: x.entries.length }));
  } catch {
    return { ok: false, reason: 'the signer key or signature is malformed' };
  }
  if (!valid) return { ok: false, reason: 'the signature does not match (header or entries changed, or another key signed)' };
  if (x.signer.fingerprint !== fingerprint) return { ok: false, reason: 'the stated fingerprint is not that of the signing key' };
  return { ok: true, count: x.entries.length, fingerprint };
}

/**
 * Checks an export given as the text of its file (what `npm run verify-audit` reads): parsed with parseJson, so a
 * hostile file's __proto__/constructor/prototype members are dropped and never copied onto anything.
 */
export async function verifyExportText(text: string): Promise<VerifyResult> {
  let data: unknown;
  try {
    data = parseJson(text);
  } catch {
    return { ok: false, reason: 'the file is not JSON' };
  }
  return verifyExport(data);
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? canonicalJson(v) : String(v);
  // RFC 4180 quoting; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(entries: readonly Omit<ExportEntry, 'prev' | 'hash'>[]): string {
  const header = ['seq', 'time', 'actor', 'actor_name', 'action', 'key_id', 'key_name', 'version', 'outcome', 'details'];
  const lines = [header.join(',')];
  for (const e of entries) lines.push([e.seq, e.at, e.actor, e.actorName, e.action, e.keyId, e.keyName, e.version, e.outcome, e.details].map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
