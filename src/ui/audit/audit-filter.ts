// Owns the Audit screen's filter controls as plain values and how they become a report filter (dates via
// date-range.ts: "To" includes its whole day).

import type { AuditFilter } from '../../vault';
import { dateRange } from './date-range';
import { FORM_MESSAGES } from '../shared';

export type OutcomeChoice = '' | 'ok' | 'denied' | 'failed';

/** What the controls hold: '' means "all" (or an open end for the dates, which are "YYYY-MM-DD"). */
export interface AuditControls {
  readonly from: string;
  readonly to: string;
  readonly action: string;
  readonly actor: string;
  readonly keyId: string;
  readonly outcome: OutcomeChoice;
}

export const EMPTY_CONTROLS: AuditControls = Object.freeze({ from: '', to: '', action: '', actor: '', keyId: '', outcome: '' });

/** The report filter for a set of controls, or which date field is wrong. */
export function filterOf(c: AuditControls): { ok: true; filter: AuditFilter } | { ok: false; field: 'from' | 'to'; message: string } {
  const range = dateRange(c.from, c.to);
  if (!range.ok) return { ok: false, field: range.field, message: range.reason === 'order' ? FORM_MESSAGES.dateOrder : FORM_MESSAGES.dateInvalid };
  return {
    ok: true,
    filter: {
      from: range.from,
      to: range.to,
      ...(c.action !== '' ? { actions: [c.action] } : {}),
      ...(c.actor !== '' ? { actors: [c.actor] } : {}),
      keyId: c.keyId !== '' ? c.keyId : null,
      outcome: c.outcome !== '' ? c.outcome : null,
    },
  };
}
