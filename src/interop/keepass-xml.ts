// Owns the KeePass 2 XML export (KeePass 2 "KeePass XML (2.x)", KeePassXC "export --format xml"): recognising it
// and reading it through kdbxweb's Kdbx.loadXml into the same walker as a KDBX database.
import { kdbx, keepassFailure } from './kdbx-engine';
import { walkKeepass } from './keepass-walk';
import { InteropError, type ImportResult } from './model';

/**
 * A value encrypted with the database's inner stream key: found in the XML inside a KDBX file, never in an export
 * (an export writes clear text marked ProtectInMemory). Without that key it cannot be read.
 */
const ENCRYPTED_ATTRIBUTE = /\sProtected\s*=\s*["']True["']/i;

/** One start or end tag at a position (sticky): in XML neither a name nor an attribute value may hold a '<'. */
const TAG = /<(\/?)([^\s/<>]+)(?:\s+[^\s=/<>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/y;

/** The index just after `marker`, searched from `from`, or -1. */
function after(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at === -1 ? -1 : at + marker.length;
}

/**
 * One pass over the markup, in time linear in the text (every search moves forward; no regular expression runs over
 * more than one tag): 'cut' when an element is left open, closed out of order or a '<' begins no markup; 'encrypted'
 * when a <Value> is Protected. Node's XML parser (xmldom, through kdbxweb) quietly closes what a cut file left open,
 * where a browser's DOMParser refuses it; checked here so a truncated export is refused everywhere, not imported in part.
 */
function scan(text: string): 'ok' | 'cut' | 'encrypted' {
  const open: string[] = [];
  let encrypted = false;
  let at = text.indexOf('<');
  while (at !== -1) {
    let end: number;
    if (text.startsWith('<!--', at)) end = after(text, '-->', at + 4);
    else if (text.startsWith('<![CDATA[', at)) end = after(text, ']]>', at + 9);
    else if (text.startsWith('<?', at)) end = after(text, '?>', at + 2);
    else {
      TAG.lastIndex = at;
      const tag = TAG.exec(text);
      if (!tag) return 'cut';
      const [markup, closing, name, selfClosing] = tag;
      if (closing) {
        if (selfClosing || open.pop() !== name) return 'cut';
      } else {
        if (!selfClosing) open.push(name!);
        if (name === 'Value' && ENCRYPTED_ATTRIBUTE.test(markup)) encrypted = true;
      }
      end = TAG.lastIndex;
    }
    if (end === -1) return 'cut';
    at = text.indexOf('<', end);
  }
  if (open.length > 0) return 'cut';
  return encrypted ? 'encrypted' : 'ok';
}

/** A KeePass 2 XML export: its root element <KeePassFile> after an optional BOM, XML declaration, comments and space. */
export function isKeepassXml(text: string): boolean {
  if (typeof text !== 'string') return false;
  const head = text.slice(0, 4096);
  let at = head.startsWith('\uFEFF') ? 1 : 0;
  for (;;) {
    while (at < head.length && /\s/.test(head[at]!)) at++;
    if (head.startsWith('<?xml', at)) at = after(head, '?>', at);
    else if (head.startsWith('<!--', at)) at = after(head, '-->', at + 4);
    else return head.startsWith('<KeePassFile', at) && /[\s/>]/.test(head[at + 12] ?? '');
    if (at === -1) return false;
  }
}

/** Reads a KeePass 2 XML export; throws InteropError only (Damaged for anything that is not a readable export). */
export async function parseKeepassXml(text: string): Promise<ImportResult> {
  if (!isKeepassXml(text)) throw new InteropError('Damaged', 'This file is not a KeePass XML export.');
  // An export never has a DTD; refusing it keeps entity expansion (billion laughs) away from the XML parser.
  if (/<!DOCTYPE/i.test(text)) throw new InteropError('Damaged', 'This KeePass XML export has a document type declaration, which a KeePass export never has.');
  const markup = scan(text);
  if (markup === 'cut') throw new InteropError('Damaged', 'This KeePass XML export is cut short or damaged and cannot be read.');
  if (markup === 'encrypted') throw new InteropError('Unsupported', 'This KeePass XML holds encrypted values, which only its database can decrypt. Export the database again as KeePass XML, or import the .kdbx file itself.');
  try {
    const lib = kdbx();
    // kdbx() makes the parse keep tabs and read CRLF as XML says (conformXml).
    const db = await lib.Kdbx.loadXml(text.replace(/^\uFEFF/, ''), new lib.KdbxCredentials(null));
    return { format: 'keepass-xml', ...walkKeepass(db) };
  } catch (error) {
    throw keepassFailure(error, 'XML export');
  }
}
