// Owns small display and parsing helpers shared by the screens (numbers, dates, tags, secret sizes).

const grouped = new Intl.NumberFormat('en-US');

/** 1200000 → "1,200,000". */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** Epoch milliseconds as the person's local date and time, to the minute ("1/7/2027, 3:59 PM"): no seconds. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** The exact time, with seconds, for a `title` where it matters (the history, the audit log). */
export function formatExactDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });
}

/** Epoch milliseconds as the person's local date. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString();
}

/** "ops, prod , ops,," → ["ops", "prod"]: trimmed, empty parts dropped, duplicates dropped (first wins). */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/** Characters an encoded secret of `bytes` random bytes takes (base64url without padding, as crypto encodes it). */
export function encodedLength(bytes: number, encoding: 'hex' | 'base64' | 'base64url'): number {
  switch (encoding) {
    case 'hex':
      return bytes * 2;
    case 'base64':
      return Math.ceil(bytes / 3) * 4;
    case 'base64url':
      return Math.ceil((bytes * 4) / 3);
  }
}

/** The text describing the key-derivation cost. */
export function kdfDescription(iterations: number): string {
  return `Key derivation: PBKDF2-SHA256, ${formatCount(iterations)} iterations`;
}

/** The one-time notice after unlock raised the PBKDF2 cost. */
export function kdfUpgradeText(from: number, to: number): string {
  return `Key derivation strengthened from ${formatCount(from)} to ${formatCount(to)} iterations.`;
}

/**
 * A datetime-local value ("2030-01-31T09:30") as epoch milliseconds in the person's time zone;
 * null for an empty field, 'invalid' for anything the browser would not have produced.
 */
export function parseLocalDateTime(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (!match) return 'invalid';
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s);
  // Date rolls 2030-02-31 over to March: refuse a day that does not round-trip. (The hour may move in a
  // daylight-saving gap, as the browser's own picker does.)
  if (h > 23 || mi > 59 || date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return 'invalid';
  return date.getTime();
}
