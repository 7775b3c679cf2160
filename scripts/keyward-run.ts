// Owns running a command for `keyward run` with keys as environment variables: the values go to the child only through
// its environment (never a file, never a command line), its stdin is the same as ours, its stdout and stderr pass
// through with every value masked, the signals we get are passed on, and we end as it ends (its exit code, or the same
// signal).

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { uniqueEnvNames } from '../src/interop';
import { CliError } from './keyward-common';
import type { KeyValue } from './keyward-keys';
import { Masker } from './keyward-mask';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** Our environment, without the backup passwords, plus one variable per key (envName of its name, made distinct; a key wins over a variable already set, with a note). */
export function childEnvironment(items: readonly KeyValue[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KEYWARD_BACKUP_PASSWORD;
  delete env.KEYWARD_VAULT_PASSWORD;
  uniqueEnvNames(items.map((i) => i.name)).forEach((name, n) => {
    if (env[name] !== undefined) process.stderr.write(`keyward: the key "${items[n]!.name}" replaces the variable ${name} that was already set.\n`);
    env[name] = items[n]!.value;
  });
  return env;
}

function passMasked(from: Readable, to: Writable, secrets: readonly string[]): Promise<void> {
  const masker = new Masker(secrets);
  let gone = false;
  // Whoever reads our output stopped (`keyward run ... | head`): stop reading the command's, so it learns the same.
  to.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && !gone) throw error;
    gone = true;
    from.destroy();
  });
  const pass = (bytes: Buffer) => {
    if (!gone && bytes.length > 0) to.write(bytes);
  };
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => pass(masker.push(chunk)));
    // 'close' comes after 'end', and also when the stream is torn down without one (the command could not start).
    from.on('close', () => {
      pass(masker.end());
      resolve();
    });
    from.on('error', () => undefined);
  });
}

/**
 * Runs `command args` with `env`, masking `secrets` in its output; resolves to the exit code to end with. A child
 * killed by a signal makes this process end by the same signal.
 */
export async function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv, secrets: readonly string[]): Promise<number> {
  const child = spawn(command, args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  const outputs = Promise.all([passMasked(child.stdout, process.stdout, secrets), passMasked(child.stderr, process.stderr, secrets)]);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  await outputs;
  for (const off of handlers) off();
  if (ended.error) {
    const missing = ended.error.code === 'ENOENT';
    throw new CliError(missing ? `cannot run ${command}: no such command.` : `cannot run ${command} (${ended.error.code ?? 'error'}).`, missing ? 127 : 126);
  }
  if (ended.signal) {
    process.kill(process.pid, ended.signal);
    return 128 + (constants.signals[ended.signal] ?? 0);
  }
  return ended.code ?? 1;
}
