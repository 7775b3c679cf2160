// Owns "figures that hold still while you read": the entries this person's own reading of the log wrote since they
// opened the Audit screen ("Verify log", exports) are still in the log, but the report on screen leaves them out of
// its totals, chart, counts and pages until the person asks to count them (or opens the screen again).

import { buildReport, type AuditReport } from '../../vault';

type Row = AuditReport['matches'][number];

/** Reading the log writes these; they describe looking, not a change to the vault. */
export const READING_ACTIONS: ReadonlySet<string> = new Set(['audit.verify', 'audit.export']);

/** Who is reading and since when (ms; the time the screen was opened, or the person last asked to count). */
export interface ReadingMark {
  readonly actor: string;
  readonly since: number;
}

export function isOwnReading(row: Pick<Row, 'actor' | 'action' | 'at'>, mark: ReadingMark | null): boolean {
  return mark !== null && row.actor === mark.actor && row.at >= mark.since && READING_ACTIONS.has(row.action);
}

/** The report without this visit's own reading entries, and how many were left out (the same report when none). */
export function withoutOwnReading(report: AuditReport, mark: ReadingMark | null): { report: AuditReport; hidden: number } {
  const hidden = report.matches.reduce((n, row) => n + (isOwnReading(row, mark) ? 1 : 0), 0);
  if (hidden === 0) return { report, hidden };
  // The report's rows are newest first; buildReport reads them in log order and every row already matches.
  const kept = report.matches.filter((row) => !isOwnReading(row, mark)).reverse();
  return { report: buildReport(kept, {}), hidden };
}

/**
 * Where one page of the visible entries lies among all matches (newest first): the seqs to show, and the span of
 * `matches` indices [start, end) that holds them, for reading their details.
 */
export function visiblePage(matches: readonly Row[], mark: ReadingMark | null, offset: number, limit: number): { seqs: number[]; start: number; end: number } {
  const seqs: number[] = [];
  let start = -1;
  let end = 0;
  let visible = 0;
  for (let i = 0; i < matches.length && seqs.length < limit; i++) {
    const row = matches[i]!;
    if (isOwnReading(row, mark)) continue;
    if (visible++ < offset) continue;
    if (start < 0) start = i;
    seqs.push(row.seq);
    end = i + 1;
  }
  return start < 0 ? { seqs, start: 0, end: 0 } : { seqs, start, end };
}
