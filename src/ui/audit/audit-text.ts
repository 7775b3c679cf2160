// Owns the words of the Audit screen and of backups: who did it, entry details as text, chain check results,
// the backup reminder, a backup's preview and a merge's outcome. Plain text only: nothing here is ever HTML.

import { SYSTEM_ACTOR, type AuditAction, type BackupPreview, type ChainResult, type DayBucket, type Resolution } from '../../vault';
import { formatCount } from '../shared';

/** Who an entry names: "Keyward (automatic)" for scheduled work, the person's name, or the raw id. */
export function actorLabel(actor: string, name: string | null): string {
  if (actor === SYSTEM_ACTOR) return 'Keyward (automatic)';
  if (name !== null && name !== '') return name;
  if (actor === 'unknown') return 'Unknown person';
  return actor;
}

/** Words for each action the log writes; the id stays the filter's value and the exports' field. */
export const ACTION_LABELS: Readonly<Record<AuditAction, string>> = Object.freeze({
  'vault.create': 'Vault created',
  unlock: 'Unlocked',
  'unlock.failed': 'Unlock failed',
  lock: 'Locked',
  'lock.auto': 'Locked automatically',
  'key.create': 'Key created',
  'key.reveal': 'Value revealed',
  'key.copy': 'Value copied',
  'key.export': 'Key exported',
  'key.update': 'Key edited',
  'key.rotate': 'Key rotated',
  'key.state': 'Key state changed',
  'key.policy': 'Rotation policy changed',
  'key.destruction.schedule': 'Destruction scheduled',
  'key.destruction.cancel': 'Destruction cancelled',
  'key.destroy': 'Key destroyed',
  'key.trim': 'Old versions trimmed',
  'key.remove': 'Key record removed',
  'password.change': 'Password changed',
  'kdf.upgrade': 'Key derivation strengthened',
  'userkey.rotate': 'User key replaced',
  'settings.change': 'Settings changed',
  'backup.export': 'Backup exported',
  'backup.verify': 'Backup file checked',
  'backup.restore': 'Backup restored',
  'access.denied': 'Access denied',
  'audit.verify': 'Audit log verified',
  'audit.export': 'Audit log exported',
  'audit.checkpoint': 'Audit log archived and trimmed',
  'user.add': 'User added',
  'user.remove': 'User removed',
  'user.role': 'User role changed',
  'user.keys': 'User key pair made',
  'group.create': 'Group created',
  'group.delete': 'Group deleted',
  'group.member.add': 'Group member added',
  'group.member.remove': 'Group member removed',
  'key.grant': 'Access granted',
  'key.revoke': 'Access revoked',
  'key.rekey': 'Key re-keyed',
  'integrity.failed': 'Tampering found',
  'key.import': 'Keys imported',
  'key.export.plain': 'Keys exported in plain text',
  'passkey.add': 'Passkey added',
  'passkey.remove': 'Passkey removed',
  'key.upgrade': 'Keys upgraded',
});

/** "Access granted" for key.grant; '' for an action this version does not know. */
export function actionWords(action: string): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action as AuditAction] : '';
}

/** "Access granted (key.grant)"; an action this version does not know shows as its id. */
export function actionLabel(action: string): string {
  const words = actionWords(action);
  return words === '' ? action : `${words} (${action})`;
}

/** The label of one row of "Entries per action": the action's words, or its id when this version does not know it. */
export function actionName(action: string): string {
  return actionWords(action) || action;
}

/** Why the figures leave some entries out: this visit's own "Verify log" and exports, logged but not counted. */
export function hiddenReadingText(count: number): string {
  const entries = count === 1 ? '1 entry' : `${formatCount(count)} entries`;
  return `Not counted above: ${entries} your own “Verify log” and exports wrote since you opened this screen. ${count === 1 ? 'It is' : 'They are'} in the log; the figures hold still while you read.`;
}

/** One value of an entry's details as text: arrays joined, objects as compact JSON, nothing else special. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(valueText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** Words for a detail key the log writes (others show as they are). */
const DETAIL_NAMES: Readonly<Record<string, string>> = Object.freeze({
  recordedWhileLocked: 'recorded while locked',
  ownPassword: 'own password',
  backupCreatedAt: 'backup made',
});

/** An entry's details as "key: value" pairs; the client (browser and platform) goes last. */
export function detailPairs(details: Readonly<Record<string, unknown>>): { key: string; value: string }[] {
  const keys = Object.keys(details).sort((a, b) => (a === 'client' ? 1 : b === 'client' ? -1 : 0));
  return keys.map((key) => ({ key: DETAIL_NAMES[key] ?? key, value: valueText(details[key]) }));
}

/** The same, as one line: "from: active; to: suspended; client: Chrome 156 on Linux". */
export function detailsText(details: Readonly<Record<string, unknown>>): string {
  return detailPairs(details)
    .map((p) => `${p.key}: ${p.value}`)
    .join('; ');
}

/** "Log intact: 12 entries verified" or "Log broken at entry 7 (modified)". */
export function verifyText(result: ChainResult): string {
  if (result.ok) return `Log intact: ${formatCount(result.count)} ${result.count === 1 ? 'entry' : 'entries'} verified`;
  return `Log broken at entry ${result.seq} (${result.kind})`;
}

/** The persistent alert when the check at unlock found the chain broken. */
export function logBrokenText(seq: number): string {
  return `The audit log is broken at entry ${seq} — it was changed outside Keyward.`;
}

/**
 * Keys whose stored rows did not open or verify (issue #14: the list fails closed and leaves them out). Said on
 * every unlock while they stay; the log has one "Tampering found" entry for them.
 */
export function unreadableText(count: number): string {
  const keys = count === 1 ? '1 key could not be read and is' : `${count} keys could not be read and are`;
  return `${keys} left out of the list: ${count === 1 ? 'its' : 'their'} rows in this browser's storage were changed or damaged outside Keyward. Restore ${count === 1 ? 'it' : 'them'} from a backup.`;
}

/** A day (UTC midnight, as reports bucket them) as a short date: the day the bucket means in every time zone. */
export function dayLabel(day: number, style: 'short' | 'long' = 'short'): string {
  return new Date(day).toLocaleDateString(undefined, style === 'short' ? { timeZone: 'UTC', month: 'short', day: 'numeric' } : { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
}

/** The chart's accessible name: what it shows and its busiest day. */
export function chartSummary(days: readonly DayBucket[]): string {
  const total = days.reduce((sum, d) => sum + d.total, 0);
  if (days.length === 0 || total === 0) return 'Activity per day: no entries.';
  const busiest = days.reduce((best, d) => (d.total > best.total ? d : best), days[0]!);
  const span = days.length === 1 ? `on ${dayLabel(days[0]!.day, 'long')}` : `over ${formatCount(days.length)} days, ${dayLabel(days[0]!.day, 'long')} to ${dayLabel(days[days.length - 1]!.day, 'long')}`;
  return `Activity per day (UTC): ${formatCount(total)} ${total === 1 ? 'entry' : 'entries'} ${span}; busiest day ${dayLabel(busiest.day, 'long')} with ${formatCount(busiest.total)}.`;
}

/** Why the reminder shows; null when no backup is due. */
export function backupReminderText(status: { lastAt: number | null; due: boolean; changedSince: boolean }, maxAgeDays: number): string | null {
  if (!status.due) return null;
  if (status.lastAt === null) return 'You have no backup yet.';
  if (status.changedSince) return 'Keys changed since your last backup.';
  return `Your last backup is older than ${maxAgeDays} ${maxAgeDays === 1 ? 'day' : 'days'}.`;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "2 keys, 3 versions, 1 person, 9 audit entries" from a backup header's counts. */
export function countsText(counts: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  if (typeof counts.keys === 'number') parts.push(plural(counts.keys, 'key', 'keys'));
  if (typeof counts.versions === 'number') parts.push(plural(counts.versions, 'version', 'versions'));
  if (typeof counts.users === 'number') parts.push(plural(counts.users, 'person', 'people'));
  if (typeof counts.auditEntries === 'number') parts.push(plural(counts.auditEntries, 'audit entry', 'audit entries'));
  return parts.join(', ');
}

/** How a backup relates to this browser's vault, in one or two sentences. */
export function relationText(preview: Pick<BackupPreview, 'sameVault' | 'olderThanVault'>): string[] {
  if (preview.sameVault === null) return ['This browser has no vault: restoring makes the backup its vault.'];
  if (!preview.sameVault) return ['This backup is of another vault than the one in this browser.'];
  const lines = ['This backup is of the same vault as the one in this browser.'];
  lines.push(preview.olderThanVault ? 'This backup is older than your vault: changes made since are not in it.' : 'It holds everything your vault holds now.');
  return lines;
}

/** What a merge did, from the plan and the choices: keys added (new, or kept both) and replaced. */
export function mergeOutcome(addedCount: number, choices: Readonly<Record<string, Resolution>>): { added: number; replaced: number } {
  const values = Object.values(choices);
  return { added: addedCount + values.filter((c) => c === 'keep-both').length, replaced: values.filter((c) => c === 'take-backup').length };
}

export function mergedText(outcome: { added: number; replaced: number }): string {
  return `Merged: ${formatCount(outcome.added)} added, ${formatCount(outcome.replaced)} replaced`;
}
