import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKUP_ERROR_WORDS } from '../../src/vault';
import { createdVault } from './helpers';

const GOLDEN = new URL('../fixtures/golden-v1.kwbak', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/decrypt-backup.ts', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input: '' });

describe('npm run decrypt-backup', () => {
  it('writes every version of every key as plaintext JSON, warns, and keeps the file private', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-'));
    const out = join(dir, 'plain.json');
    const r = run([GOLDEN, '--out', out], { KEYWARD_BACKUP_PASSWORD: 'correct horse battery staple' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('WARNING: the output is PLAINTEXT');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const data = JSON.parse(readFileSync(out, 'utf8')) as { keys: { name: string; versions: { value?: string; jwk?: JsonWebKey }[] }[]; audit: unknown[] };
    const stripe = data.keys.find((k) => k.name === 'Stripe live key')!;
    expect(stripe.versions.map((v) => v.value)).toEqual(['sk_live_golden_v1', 'sk_live_golden_v2', 'sk_live_golden_v3']);
    expect(data.keys.find((k) => k.name === 'Release signing key')!.versions[0]!.jwk!.d).toBeDefined();
    expect(data.audit.length).toBe(9);
  });

  it.each<[string, (dir: string) => string, Record<string, string>, string]>([
    ['a wrong password', () => GOLDEN, { KEYWARD_BACKUP_PASSWORD: 'not it at all' }, BACKUP_ERROR_WORDS.WrongPassword],
    ['a truncated file', (d) => write(d, readFileSync(GOLDEN).subarray(0, 5000)), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.Truncated],
    ['a file that is no backup', (d) => write(d, Buffer.from('{"hello": 1}')), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.NotBackup],
    ['an empty file', (d) => write(d, Buffer.alloc(0)), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.Empty],
  ])('refuses %s with the app\'s words and writes nothing', (_what, file, env, words) => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-'));
    const out = join(dir, 'plain.json');
    const r = run([file(dir), '--out', out], env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(words);
    expect(existsSync(out)).toBe(false);
  });

  it('--user opens the keys granted to that user, with their own password (a member gets no audit log)', async () => {
    const { session, vault } = await createdVault();
    const k = await session.keys.create({ name: 'shared', value: 'shared-value-1', format: 'text', tags: [], notes: '' });
    await session.keys.create({ name: 'owner only', value: 'owner-only-value', format: 'text', tags: [], notes: '' });
    const bob = await session.directory.addUser({ name: 'Bob', password: 'one-time password 1', role: 'member' });
    const first = await vault.unlock({ userId: bob.id, password: 'one-time password 1' });
    await first.credentials.changePassword('one-time password 1', 'bob own passphrase');
    await session.access.grant(k.id, bob.id, 'use');
    const { bytes } = await session.backup.export({ password: 'a backup passphrase' });
    const dir = mkdtempSync(join(tmpdir(), 'kw-'));
    const out = join(dir, 'plain.json');
    const r = run([write(dir, bytes), '--user', 'Bob', '--out', out], { KEYWARD_BACKUP_PASSWORD: 'a backup passphrase', KEYWARD_VAULT_PASSWORD: 'bob own passphrase' });
    expect(r.stderr).toContain('wrote');
    const data = JSON.parse(readFileSync(out, 'utf8')) as { keys: { name: string; versions: { value?: string }[] }[]; audit: unknown[] };
    expect(data.keys.map((x) => [x.name, x.versions[0]!.value])).toEqual([['shared', 'shared-value-1']]);
    expect(data.audit).toEqual([]);
    const nobody = run([write(dir, bytes), '--user', 'Nobody'], { KEYWARD_BACKUP_PASSWORD: 'a backup passphrase', KEYWARD_VAULT_PASSWORD: 'x' });
    expect(nobody.status).not.toBe(0);
    expect(nobody.stderr).toContain('no user named "Nobody"');
  });
});

function write(dir: string, bytes: Uint8Array): string {
  const f = join(dir, 'in.kwbak');
  writeFileSync(f, bytes);
  return f;
}
