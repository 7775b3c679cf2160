// Owns the words for what the signed list of users and groups (the ledger, issue #14) found at unlock, and for the
// first sign-in a person is told about: plain sentences, counts and dates, never a value from a forged row.

import type { LedgerReport } from '../../vault';
import { formatDateTime } from '../shared';

/** How long after a first sign-in its notice is shown at each unlock. */
export const FIRST_SIGN_IN_DAYS = 14;

/** The alert for a ledger that did not verify, or rows it does not back; '' when all is well. */
export function ledgerText(report: LedgerReport): string {
  if (report.problem) {
    return (
      `The signed list of users and groups was changed outside Keyward (entry ${report.problem.seq}: ${report.problem.why}). ` +
      'Your keys still open, but keys cannot be shared and users and groups cannot be changed until the vault is restored from a backup.'
    );
  }
  const n = report.mismatched.length;
  if (n === 0) return '';
  const rows = n === 1 ? '1 user or group record in this browser does' : `${n} user or group records in this browser do`;
  return `${rows} not match the signed list of users and groups: ${n === 1 ? 'it was' : 'they were'} changed outside Keyward. Keyward follows the signed list and ignores ${n === 1 ? 'it' : 'them'}.`;
}

/**
 * The notice about this person's first sign-in, for the first days after it: whoever knew the one-time password could
 * have made it. '' when there is none to show.
 */
export function firstSignInText(first: { at: number; client: string } | null, now: number): string {
  if (!first || now - first.at > FIRST_SIGN_IN_DAYS * 86_400_000) return '';
  return `Your first sign-in was on ${formatDateTime(first.at)} from ${first.client}. If that was not you, someone else chose your password: tell an admin, who should remove this account and add you again.`;
}
