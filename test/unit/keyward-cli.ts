// Shared by the `keyward` command-line tests: running the real CLI (node scripts/keyward.mjs) as a child process, and
// writing a backup made in this process to a file.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LAUNCHER = join(ROOT, 'scripts', 'keyward.mjs');
export const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden-v1.kwbak');
export const GOLDEN_PASSWORD = 'correct horse battery staple';

/** Runs `keyward ...args` to the end; stdin is `input` (empty: no terminal, so nothing can be asked). */
export function keyward(args: readonly string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.KEYWARD_BACKUP_PASSWORD) delete env.KEYWARD_BACKUP_PASSWORD;
  if (!options.env?.KEYWARD_VAULT_PASSWORD) delete env.KEYWARD_VAULT_PASSWORD;
  return spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8', env, input: options.input ?? '', cwd: options.cwd ?? ROOT, timeout: 90_000 });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kw-cli-'));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array | string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}
