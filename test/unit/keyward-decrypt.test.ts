// `keyward decrypt` (and its alias `npm run decrypt-backup`), run as the real CLI: plaintext JSON of every version,
// the app's words for bad files, --out that never replaces a file unless --force and always leaves it 0600, --user,
// and (issue #14) the owner's recovery also reads suspended, pre-active and destruction-scheduled keys.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, BACKUP_ERROR_WORDS } from '../../src/vault';
import { createdVault, FakeClock } from './helpers';
import { GOLDEN, GOLDEN_PASSWORD, keyward, ROOT, tempDir, writeTemp } from './keyward-cli';

const golden = { KEYWARD_BACKUP_PASSWORD: GOLDEN_PASSWORD };
type Plain = { keys: { name: string; state: string; versions: { status: string; value?: string | null; jwk?: JsonWebKey }[] }[]; audit: { action: string }[] };

describe('keyward decrypt', () => {
  it('writes every version of every key as plaintext JSON, warns, and keeps the file private', () => {
    const out = join(tempDir(), 'plain.json');
    const r = keyward(['decrypt', GOLDEN, '--out', out], { env: golden });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('WARNING: the output is PLAINTEXT');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const data = JSON.parse(readFileSync(out, 'utf8')) as Plain;
    const stripe = data.keys.find((k) => k.name === 'Stripe live key')!;
    expect(stripe.versions.map((v) => v.value)).toEqual(['sk_live_golden_v1', 'sk_live_golden_v2', 'sk_live_golden_v3']);
    expect(data.keys.find((k) => k.name === 'Release signing key')!.versions[0]!.jwk!.d).toBeDefined();
    // The backup's 9 entries; not the recovery's own reads.
    expect(data.audit.length).toBe(9);
  });

  it.each<[string, (dir: string) => string, Record<string, string>, string]>([
    ['a wrong password', () => GOLDEN, { KEYWARD_BACKUP_PASSWORD: 'not it at all' }, BACKUP_ERROR_WORDS.WrongPassword],
    ['a truncated file', (d) => writeTemp(d, 'in.kwbak', readFileSync(GOLDEN).subarray(0, 5000)), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.Truncated],
    ['a file that is no backup', (d) => writeTemp(d, 'in.kwbak', '{"hello": 1}'), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.NotBackup],
    ['an empty file', (d) => writeTemp(d, 'in.kwbak', ''), { KEYWARD_BACKUP_PASSWORD: 'x' }, BACKUP_ERROR_WORDS.Empty],
    ['no password and no terminal to ask on', () => GOLDEN, {}, 'no terminal to ask on'],
  ])("refuses %s with the app's words and writes nothing", (_what, file, env, words) => {
    const dir = tempDir();
    const out = join(dir, 'plain.json');
    const r = keyward(['decrypt', file(dir), '--out', out], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(words);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('plain'))).toEqual([]);
  });

  it('refuses an existing --out without --force (before asking for anything), and replaces a 0644 file with a 0600 one with --force', () => {
    const dir = tempDir();
    const out = writeTemp(dir, 'plain.json', 'keep me\n');
    chmodSync(out, 0o644);
    const refused = keyward(['decrypt', GOLDEN, '--out', out]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('exists; give --force to replace it');
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    expect(statSync(out).mode & 0o777).toBe(0o644);

    const forced = keyward(['decrypt', GOLDEN, '--out', out, '--force'], { env: golden });
    expect(forced.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Plain).keys.length).toBe(3);
    // No temporary file is left beside it.
    expect(readdirSync(dir)).toEqual(['plain.json']);
  });

  it.each<[string, (dir: string) => string[], number, string]>([
    ['no backup named', () => [], 2, 'usage: keyward decrypt'],
    ['two backups named', () => [GOLDEN, GOLDEN], 2, 'usage: keyward decrypt'],
    ['--force without --out', () => [GOLDEN, '--force'], 2, '--force goes with --out'],
    ['--out with no file name', () => [GOLDEN, '--out'], 2, '--out needs a value'],
    ['an unknown option', () => [GOLDEN, '--password', 'x'], 2, 'unknown option --password'],
    ['--out naming a folder, even with --force', (d) => [GOLDEN, '--out', d, '--force'], 1, 'is a folder'],
    ['--out in a folder that does not exist', (d) => [GOLDEN, '--out', join(d, 'missing', 'plain.json')], 1, 'cannot write in the folder of'],
  ])('refuses %s, and writes nothing', (_what, args, status, words) => {
    const dir = tempDir();
    const r = keyward(['decrypt', ...args(dir)], { env: golden });
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(words);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--user opens the keys granted to that user, with their own password (a member gets no audit log, and no key a state forbids)', async () => {
    const { session, vault } = await createdVault(new FakeClock(Date.now()));
    const k = await session.keys.create({ name: 'shared', value: 'shared-value-1', format: 'text', tags: [], notes: '' });
    const paused = await session.keys.create({ name: 'shared but suspended', value: 'paused-value-1', format: 'text', tags: [], notes: '' });
    await session.keys.create({ name: 'owner only', value: 'owner-only-value', format: 'text', tags: [], notes: '' });
    const bob = await session.directory.addUser({ name: 'Bob', password: 'one-time password 1', role: 'member' });
    const first = await vault.unlock({ userId: bob.id, password: 'one-time password 1' });
    await first.credentials.changePassword('one-time password 1', 'bob own passphrase');
    await session.access.grant(k.id, bob.id, 'use');
    await session.access.grant(paused.id, bob.id, 'use');
    await session.lifecycle.setState(paused.id, 'suspended');
    const { bytes } = await session.backup.export({ password: 'a backup passphrase' });
    const dir = tempDir();
    const file = writeTemp(dir, 'in.kwbak', bytes);
    const out = join(dir, 'plain.json');
    const r = keyward(['decrypt', file, '--user', 'Bob', '--out', out], { env: { KEYWARD_BACKUP_PASSWORD: 'a backup passphrase', KEYWARD_VAULT_PASSWORD: 'bob own passphrase' } });
    expect(r.stderr).toContain('wrote');
    const data = JSON.parse(readFileSync(out, 'utf8')) as Plain;
    // The keys come in the vault's list order (by id, random): compare by name.
    expect(data.keys.map((x) => [x.name, x.versions[0]!.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['shared', 'shared-value-1'],
      ['shared but suspended', null],
    ]);
    expect(data.audit).toEqual([]);
    const nobody = keyward(['decrypt', file, '--user', 'Nobody'], { env: { KEYWARD_BACKUP_PASSWORD: 'a backup passphrase', KEYWARD_VAULT_PASSWORD: 'x' } });
    expect(nobody.status).toBe(1);
    expect(nobody.stderr).toContain('no user named "Nobody"');
  });

  it("issue #14: the owner's recovery reads suspended, pre-active and destruction-scheduled keys and retired versions; destroyed versions stay null", async () => {
    const clock = new FakeClock(Date.now());
    const { session } = await createdVault(clock);
    const make = (name: string, value: string, extra = {}) => session.keys.create({ name, value, format: 'text', tags: [], notes: '', ...extra });
    const paused = await make('suspended key', 'suspended-value');
    await session.lifecycle.setState(paused.id, 'suspended');
    await make('future key', 'future-value', { activationAt: addDays(clock.now(), 365) });
    const doomed = await make('doomed key', 'doomed-value');
    await session.lifecycle.scheduleDestruction(doomed.id, 30);
    const old = await make('rotated key', 'old-value');
    await session.lifecycle.rotate(old.id, { value: 'new-value' });
    await session.lifecycle.setOldestUsableVersion(old.id, 2);
    const gone = await make('destroyed key', 'destroyed-value');
    await session.lifecycle.scheduleDestruction(gone.id, 7);
    clock.advance(8 * 86_400_000);
    await session.lifecycle.runDueWork();
    const { bytes } = await session.backup.export({ password: 'a backup passphrase' });
    const dir = tempDir();
    const r = keyward(['decrypt', writeTemp(dir, 'in.kwbak', bytes)], { env: { KEYWARD_BACKUP_PASSWORD: 'a backup passphrase', KEYWARD_VAULT_PASSWORD: 'correct horse battery staple' } });
    expect(r.status).toBe(0);
    const data = JSON.parse(r.stdout) as Plain;
    const byName = Object.fromEntries(data.keys.map((k) => [k.name, k]));
    expect(byName['suspended key']!.state).toBe('suspended');
    expect(byName['suspended key']!.versions.map((v) => v.value)).toEqual(['suspended-value']);
    expect(byName['future key']!.state).toBe('pre-activation');
    expect(byName['future key']!.versions.map((v) => v.value)).toEqual(['future-value']);
    expect(byName['doomed key']!.versions.map((v) => v.value)).toEqual(['doomed-value']);
    expect(byName['rotated key']!.versions.map((v) => [v.status, v.value])).toEqual([
      ['retired', 'old-value'],
      ['current', 'new-value'],
    ]);
    expect(byName['destroyed key']!.state).toBe('destroyed');
    expect(byName['destroyed key']!.versions.map((v) => v.value)).toEqual([null]);
    // The recovery read is the vault's audited dump, in the throwaway copy: not in the output's log of the backup.
    expect(data.audit.some((e) => e.action === 'key.export')).toBe(false);
  });

  it('is what `npm run decrypt-backup` runs', () => {
    expect(execFileSync('npm', ['pkg', 'get', 'scripts.decrypt-backup'], { encoding: 'utf8', cwd: ROOT })).toContain('scripts/keyward.mjs decrypt');
  });
});
