// `keyward env` and `keyward run`, run as the real CLI on a backup made here with random values: the .env reads back
// with dotenv, keys that cannot be used are left out with a note, the command gets the values in its environment only
// (no file, no process's command line holds one), its output shows them masked, and stdin, exit codes and signals pass.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { createdVault, FakeClock } from './helpers';
import { GOLDEN, GOLDEN_PASSWORD, keyward, LAUNCHER, ROOT, tempDir, writeTemp } from './keyward-cli';

const BACKUP_PASSWORD = 'a backup passphrase';
const env = { KEYWARD_BACKUP_PASSWORD: BACKUP_PASSWORD, KEYWARD_VAULT_PASSWORD: 'correct horse battery staple' };
let backup = '';
const v = { stripe: '', db: '', multi: '', paused: '' };

beforeAll(async () => {
  const { session } = await createdVault(new FakeClock(Date.now()));
  v.stripe = `sk_live_${randomUUID()}`;
  v.db = `db pass "${randomUUID()}" #1`;
  v.multi = `-----BEGIN-----\n${randomUUID()}\n-----END-----`;
  v.paused = `paused-${randomUUID()}`;
  const make = (name: string, value: string, tags: string[]) => session.keys.create({ name, value, format: 'text', tags, notes: '' });
  await make('Stripe live key', v.stripe, ['prod']);
  await make('db password', v.db, ['prod']);
  await make('cert.pem', v.multi, []);
  await session.keys.generate({ name: 'hmac key', tags: ['mac'], notes: '', algorithm: { kind: 'hmac', hash: 'SHA-256' } });
  const paused = await make('paused key', v.paused, ['prod']);
  await session.lifecycle.setState(paused.id, 'suspended');
  const { bytes } = await session.backup.export({ password: BACKUP_PASSWORD });
  backup = writeTemp(tempDir(), 'test.kwbak', bytes);
});

/** Every file under `dir` (recursively) whose bytes contain one of `values`. */
function filesHolding(dir: string, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) found.push(...filesHolding(path, values));
    else if (st.isFile() && st.size < 50_000_000 && values.some((x) => readFileSync(path).includes(x))) found.push(path);
  }
  return found;
}

/** Files of the working tree (not node_modules or .git) changed since `since`. */
function changedInRepo(dir: string, since: number): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...changedInRepo(path, since));
    else if (st.mtimeMs >= since) out.push(path);
  }
  return out;
}

describe('keyward env', () => {
  it('prints a .env of every usable key that dotenv reads back, leaving out a suspended key with a note', () => {
    const r = keyward(['env', backup], { env });
    expect(r.status).toBe(0);
    const { HMAC_KEY, ...secrets } = parse(r.stdout);
    expect(secrets).toEqual({ CERT_PEM: v.multi, DB_PASSWORD: v.db, STRIPE_LIVE_KEY: v.stripe });
    // A symmetric typed key is its JWK, on one line.
    expect(JSON.parse(HMAC_KEY!)).toMatchObject({ kty: 'oct', alg: 'HS256' });
    expect(HMAC_KEY).not.toContain('\n');
    expect(r.stderr).toContain('left out "paused key": it is suspended');
    expect(r.stderr).not.toContain(v.paused);
  });

  it('gives what the app exports for typed keys: a key pair as its private key in PEM (the golden backup)', () => {
    const r = keyward(['env', GOLDEN], { env: { KEYWARD_BACKUP_PASSWORD: GOLDEN_PASSWORD } });
    expect(r.status).toBe(0);
    const parsed = parse(r.stdout);
    expect(Object.keys(parsed)).toEqual(['GITHUB_DEPLOY_TOKEN', 'RELEASE_SIGNING_KEY', 'STRIPE_LIVE_KEY']);
    expect(parsed.STRIPE_LIVE_KEY).toBe('sk_live_golden_v3');
    expect(parsed.GITHUB_DEPLOY_TOKEN).toBe('6a'.repeat(32));
    expect(parsed.RELEASE_SIGNING_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
  });

  it('--tag and --key choose the keys; an unknown key or tag, or both options, fail', () => {
    expect(parse(keyward(['env', backup, '--tag', 'PROD'], { env }).stdout)).toEqual({ DB_PASSWORD: v.db, STRIPE_LIVE_KEY: v.stripe });
    expect(parse(keyward(['env', backup, '--key', 'cert.pem', '--key', 'stripe live key'], { env }).stdout)).toEqual({ CERT_PEM: v.multi, STRIPE_LIVE_KEY: v.stripe });
    const missing = keyward(['env', backup, '--key', 'no such key'], { env });
    expect([missing.status, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr).toContain('there is no key named "no such key"');
    const both = keyward(['env', backup, '--tag', 'prod', '--key', 'x'], { env });
    expect(both.status).toBe(2);
  });
});

describe('keyward run', () => {
  it('gives the command the values in its environment only, masks them in its output, and ends with its exit code', () => {
    const hashes = Object.fromEntries(
      (
        [
          ['STRIPE_LIVE_KEY', v.stripe],
          ['DB_PASSWORD', v.db],
          ['CERT_PEM', v.multi],
        ] as const
      ).map(([k, x]) => [k, createHash('sha256').update(x).digest('hex')]),
    );
    // The child knows only the values' hashes (its command line must hold no value); it checks its environment, reads
    // the command line of every process on the machine while it runs, prints a value (split across two writes) and exits 5.
    const child = `
      const fs = require('fs'), crypto = require('crypto');
      const want = JSON.parse(process.argv[1]);
      const envOk = Object.entries(want).every(([k, h]) => process.env[k] !== undefined && crypto.createHash('sha256').update(process.env[k]).digest('hex') === h);
      const values = Object.keys(want).map((k) => process.env[k]);
      let read = 0; const leaked = [];
      for (const pid of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
        let cmd; try { cmd = fs.readFileSync('/proc/' + pid + '/cmdline', 'latin1'); } catch { continue; }
        read++;
        if (values.some((x) => cmd.includes(x))) leaked.push(pid);
      }
      console.log(JSON.stringify({ envOk, read, leaked, passwords: [process.env.KEYWARD_BACKUP_PASSWORD, process.env.KEYWARD_VAULT_PASSWORD] }));
      console.error('on stderr: ' + process.env.DB_PASSWORD);
      const s = process.env.STRIPE_LIVE_KEY;
      process.stdout.write('the token is ' + s.slice(0, 6));
      setTimeout(() => { process.stdout.write(s.slice(6) + '\\n'); process.exit(5); }, 100);
    `;
    const cwd = tempDir();
    const tmp = tempDir();
    const started = Date.now();
    const r = keyward(['run', backup, '--', process.execPath, '-e', child, JSON.stringify(hashes)], { env: { ...env, TMPDIR: tmp }, cwd });
    expect(r.status).toBe(5);
    const report = JSON.parse(r.stdout.split('\n')[0]!) as { envOk: boolean; read: number; leaked: string[]; passwords: unknown[] };
    expect(report.envOk).toBe(true);
    expect(report.read).toBeGreaterThan(2);
    expect(report.leaked).toEqual([]);
    // The backup passwords are not handed on.
    expect(report.passwords).toEqual([null, null]);
    expect(r.stdout).toContain('the token is ****\n');
    expect(r.stderr).toContain('on stderr: ****');
    for (const x of Object.values(v)) {
      expect(r.stdout).not.toContain(x);
      expect(r.stderr).not.toContain(x);
    }
    expect(r.stderr).toContain('left out "paused key": it is suspended');
    // No file holds a value: not the working folder (still empty), not TMPDIR, not a file of the project changed meanwhile.
    expect(readdirSync(cwd)).toEqual([]);
    const values = [v.stripe, v.db, v.multi];
    expect(filesHolding(tmp, values)).toEqual([]);
    expect(changedInRepo(ROOT, started).filter((f) => values.some((x) => readFileSync(f).includes(x)))).toEqual([]);
  });

  it('passes stdin to the command, and a command that does not exist fails with 127', () => {
    const echo = keyward(['run', backup, '--key', 'Stripe live key', '--', process.execPath, '-e', 'process.stdin.pipe(process.stdout)'], { env, input: `from stdin ${v.stripe}\n` });
    expect(echo.status).toBe(0);
    expect(echo.stdout).toBe('from stdin ****\n');
    const none = keyward(['run', backup, '--key', 'Stripe live key', '--', 'no-such-command-kw'], { env });
    expect(none.status).toBe(127);
    expect(none.stderr).toContain('cannot run no-such-command-kw');
    const noCommand = keyward(['run', backup], { env });
    expect(noCommand.status).toBe(2);
  });

  it('passes a signal on to the command, and ends by the signal that ended the command', async () => {
    const child = `process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(7); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const cli = spawn(process.execPath, [LAUNCHER, 'run', backup, '--key', 'Stripe live key', '--', process.execPath, '-e', child], { env: { ...process.env, ...env }, cwd: ROOT });
    let out = '';
    const ended = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      cli.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      }),
    );
    cli.kill('SIGTERM');
    expect(await ended).toBe(7);
    expect(out).toContain('child got SIGTERM');

    const killed = keyward(['run', backup, '--key', 'Stripe live key', '--', process.execPath, '-e', "process.kill(process.pid, 'SIGKILL')"], { env });
    expect(killed.signal).toBe('SIGKILL');
  });

  it('ends when whoever reads its output stops reading (keyward run ... | head), instead of feeding a command that never stops', async () => {
    // The command learns that nobody reads (its write fails) and ends with 42; keyward ends as it does.
    const endless = `process.stdout.on('error', () => process.exit(42)); setInterval(() => process.stdout.write('tick ' + process.env.STRIPE_LIVE_KEY + '\\n'), 5);`;
    const cli = spawn(process.execPath, [LAUNCHER, 'run', backup, '--key', 'Stripe live key', '--', process.execPath, '-e', endless], { env: { ...process.env, ...env }, cwd: ROOT });
    const ended = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve) => cli.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(first).toContain('tick ****');
    cli.stdout.destroy();
    expect(await ended).toBe(42);
  });
});
