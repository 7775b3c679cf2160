// Hostile JSON (issue 8 point 5): `__proto__`, `constructor` and `prototype` members in every document Keyward parses
// — backup header and payload, signed audit export, pasted JWK, sealed key metadata and material — never survive the
// parse (so no later copy or merge can change a prototype), and never reach Object.prototype.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createdVault, expectNoGlobalPollution, freshDbName, poisonedPaths, TEST_ITERATIONS } from '../../test/unit/helpers';
import { importKeyMaterial, parseJson, utf8Decode, utf8Encode } from '../crypto';
import { openKeywardDb } from '../storage';
import { verifyExport, verifyExportText } from './audit-export';
import { encodePayloadV1, openBackup, type VaultPayload } from './backup';
import { decodeTree } from './payload-codec';
import { readBackupFile, readBackupHeader, writeBackupFile, type HeaderInfo } from './backup-file';
import { parseMaterial, parseMeta } from './records';

/** Members a hostile document adds to an object: each would change a prototype if copied by assignment. */
const POISON = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},';
/** Puts the poisoned members first in every object that starts with `{"<key>"`. */
const poison = (json: string, key: string) => json.replaceAll(`{"${key}"`, `{${POISON}"${key}"`);

describe('parseJson', () => {
  it('drops the three keys at every depth, in objects inside arrays too, and keeps everything else', () => {
    const parsed = parseJson(`{${POISON}"a":[{${POISON}"b":1}],"c":{${POISON}"d":"constructor"},"e":["__proto__"]}`);
    expect(poisonedPaths(parsed)).toEqual([]);
    expect(parsed).toEqual({ a: [{ b: 1 }], c: { d: 'constructor' }, e: ['__proto__'] });
    // What plain JSON.parse gives, and why it matters: a copy by assignment takes the poisoned prototype.
    const raw = JSON.parse(`{${POISON}"x":1}`) as object;
    expect(poisonedPaths(raw)).toContain('$.__proto__');
    expect((Object.assign({}, raw) as { polluted?: string }).polluted).toBe('yes');
    expect((Object.assign({}, parsed) as { polluted?: string }).polluted).toBeUndefined();
    expectNoGlobalPollution();
  });

  it('drops the keys when they are spelled with \\u escapes, which the fast path must not take', () => {
    for (const key of ['\\u005f_proto__', '__pr\\u006fto__', 'constr\\u0075ctor', 'prot\\u006ftype', '\\u005F\\u005Fproto\\u005F\\u005F']) {
      const text = `{"${key}":{"polluted":"yes"},"ok":[{"${key}":1}]}`;
      const parsed = parseJson(text);
      expect(poisonedPaths(parsed), text).toEqual([]);
      expect(parsed).toEqual({ ok: [{}] });
    }
  });

  it('gives what JSON.parse gives for text without the keys (the fast path), strings with escapes included', () => {
    for (const text of ['{"a":1,"b":[true,null,"x"],"c":{"d":-2.5e3}}', '"line\\nbreak \\"quoted\\" \\\\ slash"', '{"é":"\\u00e9\\ud83d\\ude00"}', '[]', '0']) {
      expect(parseJson(text)).toEqual(JSON.parse(text));
    }
    expect(() => parseJson('{"a":1,}')).toThrow(SyntaxError);
    expect(() => parseJson('')).toThrow(SyntaxError);
  });

  it('still throws SyntaxError on malformed text, and runs a given reviver after the drop', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
    const seen: string[] = [];
    parseJson(`{${POISON}"a":1}`, (key, value) => (seen.push(key), value));
    expect(seen).not.toContain('__proto__');
    expect(seen).toContain('a');
  });
});

const INFO: HeaderInfo = { createdAt: '2026-11-28T12:00:00.000Z', appVersion: '0.1.0', vaultId: 'v', counts: { keys: 0 }, auditHead: null };
const BACKUP_PW = 'backup passphrase 42';

/** The file with its header JSON rewritten, length and checksum fixed up (what an attacker can do without the password). */
async function rewriteHeader(file: Uint8Array, edit: (json: string) => string): Promise<Uint8Array> {
  const length = new DataView(file.buffer, file.byteOffset + 9, 4).getUint32(0);
  const header = utf8Encode(edit(utf8Decode(file.subarray(13, 13 + length))));
  const prefix = new Uint8Array(13);
  prefix.set(file.subarray(0, 9));
  new DataView(prefix.buffer).setUint32(9, header.length);
  const authenticated = new Uint8Array([...prefix, ...header]);
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', authenticated));
  return new Uint8Array([...authenticated, ...sum, ...file.subarray(13 + length + 32)]);
}

describe('backup files', () => {
  it('a header with poisoned members parses without them', async () => {
    const file = await writeBackupFile(utf8Encode('{}'), BACKUP_PW, INFO, TEST_ITERATIONS);
    const hostile = await rewriteHeader(file, (json) => poison(poison(poison(json, 'kdf'), 'name'), 'keys'));
    const { header } = await readBackupHeader(hostile);
    expect(poisonedPaths(header)).toEqual([]);
    expect(header.counts).toEqual({ keys: 0 });
    // The header MAC covers the edited bytes, so the full read refuses the file.
    await expect(readBackupFile(hostile, BACKUP_PW)).rejects.toMatchObject({ name: 'BackupError', code: 'Damaged' });
    expectNoGlobalPollution();
  });

  it('a payload with poisoned members in its rows opens without them', async () => {
    const { session, vault } = await createdVault();
    await session.keys.create({ name: 'k', value: 'v', format: 'text', tags: [], notes: '' });
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    const { header, payload } = await readBackupFile(bytes, BACKUP_PW);
    // A version-1 (JSON) payload of the same vault; version 2's decoder drops the same members (payload-codec.test.ts).
    const json = poison(poison(poison(utf8Decode(encodePayloadV1(decodeTree(payload) as VaultPayload)), 'id'), 'kind'), 'meta');
    expect(json).toContain('"constructor"');
    const { kdf: _k, cipher: _c, chunkSize: _s, payloadBytes: _p, check: _x, ...info } = header;
    const hostile = await writeBackupFile(utf8Encode(json), BACKUP_PW, info, TEST_ITERATIONS, 1);
    const db = await openKeywardDb({ name: freshDbName() });
    try {
      const opened = await openBackup(db, hostile, BACKUP_PW);
      expect(poisonedPaths(opened.payload)).toEqual([]);
      expect(opened.payload.stores.keys).toHaveLength(1);
    } finally {
      db.close();
      vault.close();
    }
    expectNoGlobalPollution();
  });
});

describe('audit export verification', () => {
  const text = readFileSync(new URL('../../test/fixtures/audit-export.json', import.meta.url), 'utf8');

  it('a signed export with poisoned members at the top, in the filter, the signer and entries parses without them', async () => {
    const hostile = poison(poison(poison(poison(text.replace(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ''), 'format'), 'from'), 'publicKey'), 'seq');
    expect(hostile).toContain('"__proto__"');
    expect(poisonedPaths(parseJson(hostile))).toEqual([]);
    // verifyExportText (what `npm run verify-audit` runs) drops them, which gives back exactly what was signed.
    expect(await verifyExportText(hostile)).toMatchObject({ ok: true, count: 13 });
    expect(await verifyExportText('{"format":')).toEqual({ ok: false, reason: 'the file is not JSON' });
    expectNoGlobalPollution();
  });

  it('an entry whose poisoned member sits beside the fields of its hash still fails as modified if anything else changed', async () => {
    const x = parseJson(text) as { entries: { details: Record<string, unknown> }[] };
    x.entries[2]!.details = JSON.parse(`{${POISON}"extra":1}`) as Record<string, unknown>;
    expect(await verifyExport(x)).toMatchObject({ ok: false, reason: expect.stringMatching(/modified/) });
    expectNoGlobalPollution();
  });
});

describe('pasted JWK', () => {
  it('imports a JWK carrying poisoned members as the clean key, and refuses one whose kty hides behind __proto__', async () => {
    const k = Buffer.alloc(32, 7).toString('base64url');
    const material = await importKeyMaterial(`{${POISON}"kty":"oct","k":"${k}"}`, { kind: 'hmac', hash: 'SHA-256' });
    expect(poisonedPaths(material)).toEqual([]);
    expect(material.secret?.k).toBe(k);
    await expect(importKeyMaterial(`{"__proto__":{"kty":"oct","k":"${k}"}}`, { kind: 'hmac', hash: 'SHA-256' })).rejects.toMatchObject({ name: 'TypedKeyError', reason: 'Malformed' });
    expectNoGlobalPollution();
  });
});

describe('sealed key metadata and material', () => {
  const meta = { kind: 'secret', name: 'n', format: 'text', tags: ['t'], notes: '', algorithm: null, recipe: null, hasPrivate: false, compromiseReason: null, history: [{ at: 1, actor: 'u', action: 'created' }] };

  it('parseMeta drops poisoned members from the record and from history events', () => {
    const parsed = parseMeta(poison(poison(JSON.stringify(meta), 'kind'), 'at'));
    expect(poisonedPaths(parsed)).toEqual([]);
    expect(parsed.history).toEqual(meta.history);
    expectNoGlobalPollution();
  });

  it('parseMaterial drops poisoned members from every JWK', () => {
    const parsed = parseMaterial(poison(JSON.stringify({ publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } }), 'kty'));
    expect(poisonedPaths(parsed)).toEqual([]);
    expect(parsed.publicKey).toEqual({ kty: 'OKP', crv: 'Ed25519', x: 'AA' });
  });
});

describe('every JSON.parse outside tests goes through parseJson', () => {
  it('finds no direct JSON.parse in src/ or scripts/ except the safe parser itself', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|mjs|svelte)$/.test(name) && !/\.test\.ts$/.test(name)) files.push(path);
      }
    };
    walk(join(root, 'src'));
    walk(join(root, 'scripts'));
    const offenders = files.filter((f) => !f.endsWith('src/crypto/json.ts') && /JSON\.parse\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

