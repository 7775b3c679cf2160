// Owns the import dialog's words: each format's name, and what the preview and the outcome say.

import type { ImportFormat } from '../../interop';

export const FORMAT_LABELS: Readonly<Record<ImportFormat, string>> = Object.freeze({
  dotenv: '.env file',
  'bitwarden-json': 'Bitwarden (JSON)',
  'bitwarden-csv': 'Bitwarden (CSV)',
  'keepass-xml': 'KeePass (XML)',
  kdbx: 'KeePass database (KDBX)',
  'keepass-csv': 'KeePass (CSV)',
  'keepassxc-csv': 'KeePassXC (CSV)',
  '1password-1pux': '1Password (1PUX)',
  '1password-1pif': '1Password (1PIF)',
  '1password-csv': '1Password (CSV)',
  'lastpass-csv': 'LastPass (CSV)',
  'chrome-csv': 'Chrome passwords (CSV)',
  'firefox-csv': 'Firefox passwords (CSV)',
  csv: 'CSV',
});

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** The fields a CSV column can give, in the order the column step shows them. */
export const COLUMN_FIELDS = Object.freeze([
  { key: 'name', label: 'Name' },
  { key: 'value', label: 'Value (the secret)' },
  { key: 'username', label: 'Username' },
  { key: 'url', label: 'URL' },
  { key: 'notes', label: 'Notes' },
  { key: 'group', label: 'Folder (tags)' },
  { key: 'totp', label: 'TOTP' },
] as const);

/** "12 keys to import, 1 key here to get a new version, 2 entries skipped, 3 keys have names already here." */
export function previewText(toImport: number, skipped: number, duplicates: number, replaced = 0): string {
  const parts = [`${plural(toImport, 'key', 'keys')} to import`];
  if (replaced > 0) parts.push(`${plural(replaced, 'key', 'keys')} here to get a new version`);
  if (skipped > 0) parts.push(`${plural(skipped, 'entry', 'entries')} skipped`);
  if (duplicates > 0) parts.push(`${plural(duplicates, 'key has a name', 'keys have names')} already here`);
  return `${parts.join(', ')}.`;
}

/** The outcome, said in the vault's notice line. */
export function importedText(count: number, format: ImportFormat, leftOut: number): string {
  const left = leftOut > 0 ? ` ${plural(leftOut, 'key was', 'keys were')} left out as you chose.` : '';
  return `Imported ${plural(count, 'key', 'keys')} from ${FORMAT_LABELS[format]}.${left} Delete the file you imported from if you no longer need it: it holds the values in plaintext.`;
}

/** "Sealing 300 of 1,000 keys…" */
export function progressText(done: number, total: number): string {
  return `Sealing ${done.toLocaleString('en')} of ${plural(total, 'key', 'keys')}…`;
}
