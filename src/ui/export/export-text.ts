// Owns the words of the plaintext exports (issue #16): which keys a .env export takes, the warning asked before it,
// what was left out and why, the outcome, and the errors said in the dialogs.

import { isVaultError, type ExportPreview, type LeftOut } from '../../vault';
import { errorMessage } from '../shared';

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** What the person is asked before a .env file is written. */
export function dotenvWarning(count: number): string {
  return `The file will hold the values of ${plural(count, 'key', 'keys')} in plain text. Anyone who can read the file can use ${count === 1 ? 'it' : 'them'}: keep it out of source control, chats and shared folders, and delete it when you are done.`;
}

/** What the KeePass export says about its file. */
export const KDBX_LEAD =
  'A KeePass database (KDBX 4) of every key you may reveal, with older versions as each entry’s history, encrypted under a password of its own. KeePassXC, KeePass and other KeePass apps open it. Anyone with the file and its password has every value.';

/** "2 keys are left out:" followed by one line per key (name, then why). */
export function leftOutLines(leftOut: readonly LeftOut[]): string[] {
  return leftOut.map((l) => `${l.name === '' ? 'A key not found' : l.name}: ${l.why}.`);
}

export function leftOutHeading(n: number): string {
  return `${plural(n, 'key is', 'keys are')} left out because ${n === 1 ? 'it' : 'they'} cannot be revealed by you:`;
}

/** The line before the .env export is confirmed: how many go in, how many are left out. */
export function previewText(preview: ExportPreview): string {
  const left = preview.leftOut.length > 0 ? ` ${plural(preview.leftOut.length, 'key is', 'keys are')} left out.` : '';
  return preview.count === 0 ? `None of these keys can be exported.${left}` : `${plural(preview.count, 'key', 'keys')} to export.${left}`;
}

/** The outcome, said in the vault's notice line. */
export function exportedText(file: { filename: string; count: number; leftOut: readonly LeftOut[] }): string {
  const left = file.leftOut.length > 0 ? ` ${plural(file.leftOut.length, 'key was', 'keys were')} left out.` : '';
  return `Exported ${plural(file.count, 'key', 'keys')} to ${file.filename}.${left} The file holds the values: delete it when you no longer need it.`;
}

/**
 * An export's error in words. The vault's refusals of the chosen keys (two names that become one variable, a value a
 * .env file cannot hold, nothing to export) are said as the vault words them: they name keys, never a value.
 */
export function exportErrorText(error: unknown): string {
  if (isVaultError(error, 'InvalidInput') && (error.field === 'keys' || error.field === 'tag') && error.message.trim() !== '') {
    const m = error.message.trim();
    return `${m[0]!.toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'} Nothing was exported.`;
  }
  return errorMessage(error);
}
