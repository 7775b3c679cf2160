// Owns the KeePass 2 XML export (KeePass 2 "KeePass XML (2.x)", KeePassXC "export --format xml"): recognising it
// and reading it through kdbxweb's Kdbx.loadXml into the same walker as a KDBX database.
import { kdbx, keepassFailure } from './kdbx-engine';
import { walkKeepass } from './keepass-walk';
import { InteropError, type ImportResult } from './model';

/** The root element after an optional BOM, XML declaration, comments and whitespace. */
const KEEPASS_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<KeePassFile[\s/>]/;

/**
 * A value encrypted with the database's inner stream key: found in the XML inside a KDBX file, never in an export
 * (an export writes clear text marked ProtectInMemory). Without that key it cannot be read.
 */
const ENCRYPTED_VALUE = /<Value\s[^>]*\bProtected\s*=\s*["']True["']/i;

const TAG = /<(\/?)([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(\/?)>/g;

/**
 * Whether every element is closed in order. Node's XML parser (xmldom, through kdbxweb) quietly closes what a cut
 * file left open, where a browser's DOMParser refuses it; checked here so a truncated export is refused everywhere
 * instead of imported in part. Comments, CDATA and the declaration are left out first; in XML a literal '<' only
 * starts markup, so every other '<' must begin a tag.
 */
function tagsBalanced(text: string): boolean {
  const body = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, '');
  const open: string[] = [];
  let tags = 0;
  for (const [, closing, name, selfClosing] of body.matchAll(TAG)) {
    tags++;
    if (closing) {
      if (selfClosing || open.pop() !== name) return false;
    } else if (!selfClosing) {
      open.push(name!);
    }
  }
  return open.length === 0 && tags === body.split('<').length - 1;
}

export function isKeepassXml(text: string): boolean {
  return typeof text === 'string' && KEEPASS_ROOT.test(text.slice(0, 4096));
}

/** Reads a KeePass 2 XML export; throws InteropError only (Damaged for anything that is not a readable export). */
export async function parseKeepassXml(text: string): Promise<ImportResult> {
  if (!isKeepassXml(text)) throw new InteropError('Damaged', 'This file is not a KeePass XML export.');
  // An export never has a DTD; refusing it keeps entity expansion (billion laughs) away from the XML parser.
  if (/<!DOCTYPE/i.test(text)) throw new InteropError('Damaged', 'This KeePass XML export has a document type declaration, which a KeePass export never has.');
  if (!tagsBalanced(text)) throw new InteropError('Damaged', 'This KeePass XML export is cut short or damaged and cannot be read.');
  if (ENCRYPTED_VALUE.test(text)) throw new InteropError('Unsupported', 'This KeePass XML holds encrypted values, which only its database can decrypt. Export the database again as KeePass XML, or import the .kdbx file itself.');
  try {
    const lib = kdbx();
    // kdbx() makes the parse keep tabs and read CRLF as XML says (conformXml).
    const db = await lib.Kdbx.loadXml(text.replace(/^\uFEFF/, ''), new lib.KdbxCredentials(null));
    return { format: 'keepass-xml', ...walkKeepass(db) };
  } catch (error) {
    throw keepassFailure(error, 'XML export');
  }
}
