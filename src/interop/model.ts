// Owns the one normalized entry model between parsing another manager's file and storing it in Keyward
// (issue #16), and the errors every importer and exporter throws. Pure data: no storage, no vault, no DOM.

/** A custom field of an entry, by the name the source gave it. */
export interface EntryField {
  name: string;
  value: string;
  /** The source marked it hidden/protected/concealed (Bitwarden hidden, KeePass ProtectInMemory, 1Password concealed). */
  hidden: boolean;
}

/** One secret as every importer yields it, whatever the source format. */
export interface ImportEntry {
  /** The entry's title; never empty (an importer names an untitled entry from its URL, username or position). */
  name: string;
  /** The primary secret: the password, the dotenv value, the note of a secure note with no password. */
  value: string;
  username: string;
  url: string;
  notes: string;
  /** An otpauth:// URI or a bare TOTP seed, as the source wrote it; '' when none. */
  totp: string;
  /** Folder or group path, parts joined with '/' ("Emails/WS"); '' at the top. */
  group: string;
  fields: EntryField[];
  /** The source's own tags or labels (KeePass Tags, 1Password tags), beside the group; absent when it has none. */
  tags?: string[];
}

/** An entry the importer left out, and why, in words for a person. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

export const IMPORT_FORMATS = [
  'dotenv',
  'bitwarden-json',
  'bitwarden-csv',
  'keepass-xml',
  'kdbx',
  'keepass-csv',
  'keepassxc-csv',
  '1password-1pux',
  '1password-1pif',
  '1password-csv',
  'lastpass-csv',
  'chrome-csv',
  'firefox-csv',
  'csv',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What an importer returns: every entry it could read, and every one it left out with the reason. */
export interface ImportResult {
  format: ImportFormat;
  entries: ImportEntry[];
  skipped: SkippedEntry[];
}

export type InteropErrorCode =
  /** No importer recognises the file. */
  | 'UnknownFormat'
  /** The file is of a known format but damaged or not what it claims to be. */
  | 'Damaged'
  /** The file needs a password and none was given. */
  | 'PasswordNeeded'
  /** The password given does not open the file. */
  | 'WrongPassword'
  /** The file is over the size limit. */
  | 'TooLarge'
  /** The file uses a feature Keyward cannot read (a key file, an unknown cipher or KDF). */
  | 'Unsupported';

/** The one error an importer or exporter throws; `message` is plain words and never holds a value from the file. */
export class InteropError extends Error {
  constructor(
    readonly code: InteropErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InteropError';
  }
}

/** The largest file an importer reads (bytes). A 10,000-entry export is about 5 MB; attachments are not read. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The refusal of a file over MAX_IMPORT_BYTES, in the same words wherever a size is checked (reader, app, CLI). */
export function tooLarge(): InteropError {
  return new InteropError('TooLarge', `This file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB, the most Keyward imports.`);
}
