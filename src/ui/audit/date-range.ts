// Owns turning the Audit screen's date fields ("From", "To", both inclusive days in the person's time zone) into
// the report's time range: `from` is that day's local midnight, `to` (exclusive) the midnight after the "To" day.

export type DateRange =
  | { readonly ok: true; readonly from: number | null; readonly to: number | null }
  | { readonly ok: false; readonly field: 'from' | 'to'; readonly reason: 'invalid' | 'order' };

/** "2026-03-01" → local midnight of that day (ms); null for an empty field; 'invalid' for anything else. */
export function localDayStart(text: string): number | null | 'invalid' {
  const parsed = parseDay(text);
  if (parsed === null || parsed === 'invalid') return parsed;
  return new Date(parsed.y, parsed.m - 1, parsed.d).getTime();
}

/** The local midnight that ends the day `text` (the next day's start): a "To" date includes its whole day. */
export function localDayEnd(text: string): number | null | 'invalid' {
  const parsed = parseDay(text);
  if (parsed === null || parsed === 'invalid') return parsed;
  // Date rolls the 32nd over to the next month and handles daylight-saving days (23 or 25 hours).
  return new Date(parsed.y, parsed.m - 1, parsed.d + 1).getTime();
}

export function dateRange(from: string, to: string): DateRange {
  const start = localDayStart(from);
  if (start === 'invalid') return { ok: false, field: 'from', reason: 'invalid' };
  const end = localDayEnd(to);
  if (end === 'invalid') return { ok: false, field: 'to', reason: 'invalid' };
  if (start !== null && end !== null && start >= end) return { ok: false, field: 'to', reason: 'order' };
  return { ok: true, from: start, to: end };
}

/** Epoch ms → "YYYY-MM-DD" of that moment in the person's time zone (for a date input's value). */
export function toDateInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function parseDay(text: string): { y: number; m: number; d: number } | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!match) return 'invalid';
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const date = new Date(y, m - 1, d);
  // Refuse days that do not exist (2026-02-30 would roll over to March).
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return 'invalid';
  return { y, m, d };
}
