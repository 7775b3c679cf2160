// Owns reading any supported file: the size limit, the format from the bytes (and the name), the text decoding, and
// handing the file to its importer with the password (or the CSV column choice) when it needs one.

import { isBitwardenJson, parseBitwardenJson } from './bitwarden';
import { isKdbx, parseKdbx } from './kdbx-import';
import { isKeepassXml, parseKeepassXml } from './keepass-xml';
import { InteropError, MAX_IMPORT_BYTES, tooLarge, type ImportFormat, type ImportResult } from './model';
import { is1PasswordData, is1pif, parse1PasswordData, parse1pif, parse1pux } from './onepassword';
import { csvHeaders, detectTextFormat, guessCsvMapping, parseText, type CsvMapping } from './text-formats';

export interface ReadOptions {
  fileName?: string;
  /** For a password-protected file (KDBX, an encrypted Bitwarden export); refused with PasswordNeeded when missing. */
  password?: string;
  /** Forces a format instead of detecting it. */
  format?: ImportFormat;
  /** For a CSV of no known manager ('csv'): which column holds what. Without it the columns are guessed from the header. */
  mapping?: CsvMapping;
}

/** What a file gave: its entries, and for a CSV of no known manager the columns it has and which were used for what. */
export interface ReadResult extends ImportResult {
  columns?: { headers: string[]; mapping: CsvMapping };
}

/** A zip file's first bytes: a local file header ("PK\x03\x04"). A .1pux is a zip. */
function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InteropError('UnknownFormat', 'Keyward does not recognise this file: it is not text in UTF-8, a KeePass database or a 1Password export.');
  }
}

/** The format of text that is no binary file: the structured formats first (JSON, XML, 1PIF), then .env and CSVs. */
function detectText(text: string, fileName: string | undefined): ImportFormat | null {
  if (isBitwardenJson(text)) return 'bitwarden-json';
  if (is1PasswordData(text)) return '1password-1pux';
  if (is1pif(text)) return '1password-1pif';
  if (isKeepassXml(text)) return 'keepass-xml';
  return detectTextFormat(text, fileName);
}

/** Which format a file is in, from its bytes and name; null when no importer recognises it. */
export function detectFormat(bytes: Uint8Array, fileName?: string): ImportFormat | null {
  if (isKdbx(bytes)) return 'kdbx';
  if (isZip(bytes)) return '1password-1pux';
  try {
    return detectText(decode(bytes), fileName);
  } catch {
    return null;
  }
}

function unknown(): InteropError {
  return new InteropError('UnknownFormat', 'Keyward does not recognise this file. It reads .env files and the exports of Bitwarden, KeePass and KeePassXC, 1Password, LastPass, Chrome and Firefox.');
}

/** Reads another manager's export into entries; throws InteropError only. */
export async function readImportFile(bytes: Uint8Array, options: ReadOptions = {}): Promise<ReadResult> {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw tooLarge();
  if (bytes.byteLength === 0) throw new InteropError('Damaged', 'This file is empty.');
  if (options.format === 'kdbx' || (options.format === undefined && isKdbx(bytes))) {
    if (!isKdbx(bytes)) throw new InteropError('Damaged', 'This file is not a KeePass database.');
    if (options.password === undefined) throw new InteropError('PasswordNeeded', 'This KeePass database needs its password.');
    return parseKdbx(bytes, options.password);
  }
  if (isZip(bytes)) {
    if (options.format !== undefined && options.format !== '1password-1pux') throw new InteropError('Damaged', 'This file is a zip archive, not the format chosen.');
    return parse1pux(bytes);
  }
  const text = decode(bytes);
  const format = options.format ?? detectText(text, options.fileName);
  switch (format) {
    case null:
      throw unknown();
    case 'bitwarden-json':
      return parseBitwardenJson(text, options.password);
    case 'keepass-xml':
      return parseKeepassXml(text);
    case '1password-1pux':
      return parse1PasswordData(text);
    case '1password-1pif':
      return parse1pif(text);
    case 'kdbx':
      throw new InteropError('Damaged', 'This file is not a KeePass database.');
    case 'csv': {
      const headers = csvHeaders(text);
      const mapping = options.mapping ?? guessCsvMapping(headers);
      return { ...parseText(text, 'csv', mapping), columns: { headers, mapping } };
    }
    default:
      return parseText(text, format, options.mapping);
  }
}
