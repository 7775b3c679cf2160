// Owns writing a plaintext file for `keyward`: never over an existing file unless asked (--force), and always with
// mode 0600, also when it replaces a file that had wider permissions: the text goes into a new file made 0600 in the
// same folder, which is then renamed over the name (so no moment exists where the name holds readable plaintext).

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './keyward-common';

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Refuses an existing `path` unless `force`, and a folder always: checked before any password is asked, and again when writing. */
export function refuseExisting(path: string, force: boolean): void {
  if (!exists(path)) return;
  if (!force) throw new CliError(`${path} exists; give --force to replace it.`);
  if (lstatSync(path).isDirectory()) throw new CliError(`${path} is a folder.`);
}

/** Writes `text` to `path` with mode 0600; refuses an existing `path` unless `force`, and never writes into a folder name. */
export function writePrivateFile(path: string, text: string, force: boolean): void {
  refuseExisting(path, force);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    // 'wx': a new file only (never one someone prepared), created 0600 (the umask can only narrow it).
    fd = openSync(temp, 'wx', 0o600);
  } catch (error) {
    throw new CliError(`cannot write in the folder of ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // nothing to remove
    }
    throw new CliError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}
