// `npm run decrypt-backup -- FILE [--out FILE]`: recovers a Keyward backup without the app, with Node's
// WebCrypto. Writes PLAINTEXT JSON (every key's value, all versions, and the audit log). On any bad file it
// exits non-zero with the same words as the app and writes nothing.
//
// Passwords: KEYWARD_BACKUP_PASSWORD (else a prompt); the vault password, if different, from
// KEYWARD_VAULT_PASSWORD (else the backup password is tried, then a prompt).

import 'fake-indexeddb/auto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseJson } from '../src/crypto';
import { BACKUP_ERROR_WORDS, BackupError, MAX_BACKUP_BYTES, openVault, VaultError, type Session, type UserId } from '../src/vault';

function fail(words: string): never {
  process.stderr.write(`keyward: ${words}\n`);
  process.exit(1);
}

/** Reads a line from the terminal without echoing it. */
async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) fail(`${question.replace(/: $/, '')} is needed: set it in the environment (no terminal to ask on).`);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function plaintext(session: Session, headSeq: number) {
  const keys = [];
  for (const k of await session.keys.list()) {
    const versions = [];
    for (const v of (await session.keys.versions(k.id)).reverse()) {
      let material: unknown = null;
      if (v.status !== 'destroyed') {
        // Retired versions are read too: recovery must not lose them.
        const open = async () =>
          k.kind === 'secret' ? await session.keys.reveal(k.id, v.version) : parseJson(await session.keys.export(k.id, { part: k.algorithm && (k.algorithm.kind === 'aes-gcm' || k.algorithm.kind === 'hmac') ? 'secret' : k.hasPrivate ? 'private' : 'public', format: 'jwk', version: v.version }));
        // Needs a "rotate" grant; with less, a retired version stays unread (null), the rest still comes out.
        if (v.status === 'retired') await session.lifecycle.setOldestUsableVersion(k.id, v.version).catch(() => undefined);
        material = await open().catch(() => null);
      }
      versions.push({ version: v.version, createdAt: new Date(v.createdAt).toISOString(), origin: v.origin, status: v.status, compromised: v.compromised, [k.kind === 'secret' ? 'value' : 'jwk']: material });
    }
    keys.push({ id: k.id, kind: k.kind, algorithm: k.algorithm, name: k.name, tags: k.tags, notes: k.notes, state: k.state, rotation: k.rotation, history: k.history, versions });
  }
  // Only admins and auditors read the log; anyone else gets their keys without it.
  const log = await session.audit.report({}, { limit: 500 }).catch(() => null);
  if (!log) return { keys, audit: [] };
  const audit = [];
  for (let offset = 0; offset < log.total; offset += 500) {
    const page = offset === 0 ? log.page : (await session.audit.report({}, { offset, limit: 500 })).page;
    audit.push(...page.filter((e) => e.seq <= headSeq));
  }
  return { keys, audit: audit.reverse() };
}

async function main(argv: string[]) {
  const outAt = argv.indexOf('--out');
  const outFile = outAt >= 0 ? argv[outAt + 1] : undefined;
  if (outAt >= 0 && !outFile) fail('--out needs a file name.');
  const optionValues = new Set(['--out', '--user'].map((o) => argv.indexOf(o)).filter((i) => i >= 0).map((i) => i + 1));
  const file = argv.find((a, i) => !a.startsWith('--') && !optionValues.has(i));
  if (!file) fail('usage: npm run decrypt-backup -- FILE [--out FILE] [--user NAME]');
  const userAt = argv.indexOf('--user');
  const userName = userAt >= 0 ? argv[userAt + 1] : undefined;
  if (userAt >= 0 && !userName) fail('--user needs a user name.');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    fail(`cannot read ${file}.`);
  }
  if (size > MAX_BACKUP_BYTES) fail(BACKUP_ERROR_WORDS.TooLarge);
  const bytes = new Uint8Array(readFileSync(file));
  const backupPassword = process.env.KEYWARD_BACKUP_PASSWORD ?? (await ask('Backup password: '));
  const vault = await openVault({ dbName: 'keyward-recovery' });
  let preview;
  try {
    preview = await vault.restoreBackup(bytes, backupPassword);
  } catch (error) {
    if (error instanceof BackupError) fail(BACKUP_ERROR_WORDS[error.code]);
    throw error;
  }
  // Keys open for the user whose password is given (the owner by default): each user holds their own grants.
  let userId: UserId | undefined;
  if (userName !== undefined) {
    userId = (await vault.users()).find((u) => u.name === userName)?.id;
    if (!userId) fail(`there is no user named "${userName}" in this backup.`);
  }
  let session: Session | undefined;
  for (const candidate of [process.env.KEYWARD_VAULT_PASSWORD, backupPassword]) {
    if (candidate === undefined) continue;
    session = await vault.unlock({ password: candidate, userId }).catch(() => undefined);
    if (session) break;
  }
  session ??= await vault.unlock({ password: await ask('Vault password (the one the vault had when the backup was made): '), userId }).catch((e: unknown) => {
    if (e instanceof VaultError && e.code === 'WrongPassword') fail('That vault password does not open the vault in this backup.');
    throw e;
  });
  const body = { format: 'keyward-plaintext-export', warning: 'PLAINTEXT: every secret below is readable by anyone who has this file.', backup: { createdAt: preview.createdAt, appVersion: preview.appVersion, counts: preview.counts }, ...(await plaintext(session, preview.header.auditHead?.seq ?? Infinity)) };
  const text = JSON.stringify(body, null, 2) + '\n';
  if (outFile) {
    writeFileSync(outFile, text, { mode: 0o600 });
    process.stderr.write(`keyward: wrote ${outFile}\n`);
  } else {
    process.stdout.write(text);
  }
  process.stderr.write('keyward: WARNING: the output is PLAINTEXT. Keep it offline and delete it when done.\n');
}

main(process.argv.slice(2)).catch((error: unknown) => fail(`unexpected failure: ${(error as Error).message}`));
