// Owns opening a Keyward backup in Node for the `keyward` commands that read keys (decrypt, env, run): the file's size,
// its password and the vault password (from the environment, else asked on the terminal; never from an argument),
// restored into an in-memory fake IndexedDB that is gone when the process ends, and unlocked for one user.

import 'fake-indexeddb/auto';
import { readFileSync, statSync } from 'node:fs';
import { BACKUP_ERROR_WORDS, BackupError, MAX_BACKUP_BYTES, openVault, VaultError, type BackupPreview, type Session, type UserId } from '../src/vault';
import { ask, CliError } from './keyward-common';

export const PASSWORD_HELP = 'set KEYWARD_BACKUP_PASSWORD (and KEYWARD_VAULT_PASSWORD when the vault password was different)';

export interface OpenedBackup {
  session: Session;
  preview: BackupPreview;
}

function readBackup(file: string): Uint8Array {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}.`);
  }
  if (size > MAX_BACKUP_BYTES) throw new CliError(BACKUP_ERROR_WORDS.TooLarge);
  return new Uint8Array(readFileSync(file));
}

/**
 * Restores `file` and unlocks it as `userName` (the owner when not given). Passwords: KEYWARD_BACKUP_PASSWORD (else
 * asked); the vault password from KEYWARD_VAULT_PASSWORD, else the backup password is tried, else asked.
 */
export async function openBackup(file: string, userName?: string): Promise<OpenedBackup> {
  const bytes = readBackup(file);
  const backupPassword = process.env.KEYWARD_BACKUP_PASSWORD ?? (await ask('Backup password: ', 'The backup password', PASSWORD_HELP));
  const vault = await openVault({ dbName: 'keyward-recovery' });
  let preview: BackupPreview;
  try {
    preview = await vault.restoreBackup(bytes, backupPassword);
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(BACKUP_ERROR_WORDS[error.code]);
    throw error;
  }
  // Keys open for the user whose password is given (the owner by default): each user holds their own grants.
  let userId: UserId | undefined;
  if (userName !== undefined) {
    userId = (await vault.users()).find((u) => u.name === userName)?.id;
    if (!userId) throw new CliError(`there is no user named "${userName}" in this backup.`);
  }
  let session: Session | undefined;
  for (const candidate of [process.env.KEYWARD_VAULT_PASSWORD, backupPassword]) {
    if (candidate === undefined) continue;
    session = await vault.unlock({ password: candidate, userId }).catch(() => undefined);
    if (session) break;
  }
  session ??= await vault
    .unlock({ password: await ask('Vault password (the one the vault had when the backup was made): ', 'The vault password', PASSWORD_HELP), userId })
    .catch((error: unknown) => {
      if (error instanceof VaultError && error.code === 'WrongPassword') throw new CliError('That vault password does not open the vault in this backup.');
      throw error;
    });
  return { session, preview };
}
