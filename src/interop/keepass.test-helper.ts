// Owns, for tests only, the KeePass fixtures of test/fixtures/interop/ (made by scripts/make-keepass-fixtures.ts):
// reading them, their password, the entries the made-up database must give, and patching a KDBX header's KDF
// settings (to test the bounds without writing a file that would take hours to open).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportEntry } from './model';

export const FIXTURE_PASSWORD = 'fixture-Pass_3.1&4';

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'interop', name)));
}

export function fixtureText(name: string): string {
  return new TextDecoder().decode(fixture(name));
}

/** Every KDBX fixture of the same database, and what it is. */
export const KDBX_FIXTURES = [
  { file: 'keepass-kdbx3-aes.kdbx', what: 'KDBX 3.1, AES-256, AES-KDF (kdbxweb)' },
  { file: 'keepass-kdbx4-chacha20-argon2d.kdbx', what: 'KDBX 4, ChaCha20, Argon2d (kdbxweb)' },
  { file: 'keepass-kdbx4-aes-argon2id.kdbx', what: 'KDBX 4, AES-256, Argon2id (kdbxweb)' },
  { file: 'keepass-kdbx4-aeskdf.kdbx', what: 'KDBX 4, AES-256, AES-KDF (kdbxweb)' },
  { file: 'keepassxc-made.kdbx', what: 'KDBX 3.1 written by keepassxc-cli import' },
] as const;

const entry = (partial: Partial<ImportEntry> & { name: string }): ImportEntry => ({ value: '', username: '', url: '', notes: '', totp: '', group: '', fields: [], ...partial });

/** The live entries of the fixture database, in its order: no Recycle Bin entry, no history version. */
export const FIXTURE_ENTRIES: ImportEntry[] = [
  entry({ name: 'Root Secret', value: 'r00t-S3cret!', username: 'admin' }),
  entry({
    name: 'aws-prod',
    value: 'aws-Current-9%',
    username: 'deploy@example.test',
    url: 'https://console.aws.example.test',
    notes: 'Production account.\nRotate every 90 days.',
    totp: 'otpauth://totp/Example:deploy?secret=JBSWY3DPEHPK3PXP&issuer=Example',
    group: 'Cloud',
    fields: [
      { name: 'Region', value: 'eu-west-1', hidden: false },
      { name: 'region', value: 'us-east-1', hidden: false },
      { name: 'API_TOKEN', value: 'tok_line1\ntok_line2', hidden: true },
    ],
  }),
  entry({ name: 'staging.example.test', value: 'stage-pass', username: 'deployer', url: 'https://staging.example.test/login', group: 'Cloud/Staging' }),
  entry({ name: 'ci-bot', value: 'bot-pass', username: 'ci-bot', group: 'Cloud/Staging' }),
  entry({ name: 'Entry 5' }),
  entry({ name: 'Tray TOTP', value: 'tray-pass', username: 'tray', totp: 'GEZD GNBV GY3T QOJQ', fields: [{ name: 'TOTP Settings', value: '30;6', hidden: false }] }),
  entry({ name: 'KeePass TimeOtp', value: 'mail-pass', username: 'mailer', url: 'https://mail.example.test', totp: 'KRSXG5CTMVRXEZLU', group: 'Mail', fields: [{ name: 'TimeOtp-Period', value: '30', hidden: false }] }),
];

/** Entries with their fields sorted by name (KeePassXC writes a string's attributes in its own order). */
export function sortedFields(entries: ImportEntry[]): ImportEntry[] {
  return entries.map((e) => ({ ...e, fields: [...e.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) }));
}

/** The outer header's fields: [id, data offset, data length], after the 12 bytes of signature and version. */
export function headerFields(bytes: Uint8Array): [number, number, number][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v4 = view.getUint16(10, true) >= 4;
  const fields: [number, number, number][] = [];
  let pos = 12;
  for (;;) {
    const id = view.getUint8(pos);
    const size = v4 ? view.getUint32(pos + 1, true) : view.getUint16(pos + 1, true);
    const start = pos + (v4 ? 5 : 3);
    fields.push([id, start, size]);
    if (id === 0) return fields;
    pos = start + size;
  }
}

/** Where header field `id` starts its data (0 = end of header: the first byte after the header). */
export function headerField(bytes: Uint8Array, id: number): number {
  const field = headerFields(bytes).find(([fieldId]) => fieldId === id);
  if (!field) throw new Error(`no header field ${id}`);
  return id === 0 ? field[1] + field[2] : field[1];
}

/** A copy of a KDBX 3.1 file whose AES-KDF rounds (header field 6) say `rounds`. */
export function withV3Rounds(bytes: Uint8Array, rounds: bigint): Uint8Array {
  const out = bytes.slice();
  const field = headerFields(out).find(([id]) => id === 6);
  if (!field) throw new Error('no TransformRounds field');
  new DataView(out.buffer).setBigUint64(field[1], rounds, true);
  return out;
}

/** `bytes` (a KDBX 4 file, changed in place) with its header's SHA-256 made right again, as a writer would have. */
export function withHeaderHash(bytes: Uint8Array): Uint8Array {
  const end = headerField(bytes, 0);
  bytes.set(createHash('sha256').update(bytes.subarray(0, end)).digest(), end);
  return bytes;
}

/** A copy of a KDBX 4 file whose KDF parameter `name` (a UInt32 or UInt64 in field 11's VarDictionary) is `value`, its header hash made right unless `fixHash` is false. */
export function withV4KdfParam(bytes: Uint8Array, name: string, value: bigint, fixHash = true): Uint8Array {
  const out = bytes.slice();
  const field = headerFields(out).find(([id]) => id === 11);
  if (!field) throw new Error('no KdfParameters field');
  const view = new DataView(out.buffer);
  let pos = field[1] + 2; // after the VarDictionary version
  while (out[pos] !== 0) {
    const type = out[pos]!;
    const keyLength = view.getUint32(pos + 1, true);
    const key = new TextDecoder().decode(out.subarray(pos + 5, pos + 5 + keyLength));
    const valueAt = pos + 5 + keyLength + 4;
    const valueLength = view.getUint32(pos + 5 + keyLength, true);
    if (key === name) {
      if (type === 0x05) view.setBigUint64(valueAt, value, true);
      else if (type === 0x04) view.setUint32(valueAt, Number(value), true);
      else throw new Error(`KDF parameter ${name} is not a number`);
      return fixHash ? withHeaderHash(out) : out;
    }
    pos = valueAt + valueLength;
  }
  throw new Error(`no KDF parameter ${name}`);
}
