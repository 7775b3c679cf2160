import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, DAY_MS } from '../../vault';
import {
  ACTION_LABELS,
  actionLabel,
  actionName,
  hiddenReadingText,
  actionWords,
  actorLabel,
  backupReminderText,
  chartSummary,
  countsText,
  detailPairs,
  detailsText,
  logBrokenText,
  unreadableText,
  mergedText,
  mergeOutcome,
  relationText,
  verifyText,
} from './audit-text';

describe('audit text', () => {
  it('has words for every action the log writes, access control included', () => {
    for (const action of AUDIT_ACTIONS) expect(actionWords(action), action).not.toBe('');
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(actionLabel('key.grant')).toBe('Access granted (key.grant)');
    expect(actionLabel('access.denied')).toBe('Access denied (access.denied)');
    expect(actionLabel('group.member.remove')).toBe('Group member removed (group.member.remove)');
    // Unknown (newer) actions and prototype names show as they are.
    expect(actionLabel('future.thing')).toBe('future.thing');
    expect(actionWords('toString')).toBe('');
  });

  it('names actors, with scheduled work as Keyward', () => {
    expect(actorLabel('system', null)).toBe('Keyward (automatic)');
    expect(actorLabel('u1', 'Ada')).toBe('Ada');
    expect(actorLabel('u1', null)).toBe('u1');
    expect(actorLabel('unknown', null)).toBe('Unknown person');
  });

  it('writes details as key: value text, client last, markup left as text', () => {
    expect(detailsText({ client: 'Chrome 1 on Linux', from: 'active', to: 'suspended' })).toBe('from: active; to: suspended; client: Chrome 1 on Linux');
    expect(detailsText({ fields: ['name', 'tags'], recordedWhileLocked: true, n: null })).toBe('fields: name, tags; recorded while locked: yes; n: —');
    expect(detailPairs({ x: '<img src=x onerror=alert(1)>' })).toEqual([{ key: 'x', value: '<img src=x onerror=alert(1)>' }]);
    expect(detailsText({ nested: { a: 1 } })).toBe('nested: {"a":1}');
  });

  it('reports chain checks', () => {
    expect(verifyText({ ok: true, count: 12, head: { seq: 12, mac: new Uint8Array(32) } })).toBe('Log intact: 12 entries verified');
    expect(verifyText({ ok: true, count: 1, head: { seq: 1, mac: new Uint8Array(32) } })).toBe('Log intact: 1 entry verified');
    expect(verifyText({ ok: false, kind: 'modified', seq: 7 })).toBe('Log broken at entry 7 (modified)');
    expect(verifyText({ ok: false, kind: 'head-mismatch', seq: 9 })).toBe('Log broken at entry 9 (head-mismatch)');
    expect(logBrokenText(4)).toBe('The audit log is broken at entry 4 — it was changed outside Keyward.');
  });

  it('summarises the chart', () => {
    expect(chartSummary([])).toBe('Activity per day: no entries.');
    const d0 = Date.UTC(2026, 0, 1);
    const text = chartSummary([
      { day: d0, total: 2, byAction: { unlock: 2 } },
      { day: d0 + DAY_MS, total: 0, byAction: {} },
      { day: d0 + 2 * DAY_MS, total: 5, byAction: { lock: 5 } },
    ]);
    expect(text).toMatch(/^Activity per day \(UTC\): 7 entries over 3 days, .+; busiest day .+ with 5\.$/);
  });

  it('says why a backup is due', () => {
    expect(backupReminderText({ lastAt: null, due: true, changedSince: false }, 7)).toBe('You have no backup yet.');
    expect(backupReminderText({ lastAt: 1, due: true, changedSince: true }, 7)).toBe('Keys changed since your last backup.');
    expect(backupReminderText({ lastAt: 1, due: true, changedSince: false }, 7)).toBe('Your last backup is older than 7 days.');
    expect(backupReminderText({ lastAt: 1, due: false, changedSince: false }, 7)).toBeNull();
  });

  it('describes a backup and a merge', () => {
    expect(countsText({ users: 1, keys: 2, versions: 3, auditEntries: 1 })).toBe('2 keys, 3 versions, 1 person, 1 audit entry');
    expect(relationText({ sameVault: null, olderThanVault: null })[0]).toMatch(/no vault/);
    expect(relationText({ sameVault: false, olderThanVault: null })[0]).toMatch(/another vault/);
    expect(relationText({ sameVault: true, olderThanVault: true })).toEqual([
      'This backup is of the same vault as the one in this browser.',
      'This backup is older than your vault: changes made since are not in it.',
    ]);
    const outcome = mergeOutcome(2, { a: 'keep-mine', b: 'take-backup', c: 'keep-both' });
    expect(outcome).toEqual({ added: 3, replaced: 1 });
    expect(mergedText(outcome)).toBe('Merged: 3 added, 1 replaced');
  });
});

describe('unreadable keys', () => {
  it('says how many keys were left out and what to do, in one and many', () => {
    expect(unreadableText(1)).toBe(
      "1 key could not be read and is left out of the list: its rows in this browser's storage were changed or damaged outside Keyward. Restore it from a backup.",
    );
    expect(unreadableText(3)).toMatch(/^3 keys could not be read and are left out of the list: their rows .* Restore them from a backup\.$/);
  });
});

describe('actions in words and figures that hold still', () => {
  it('names every action in words, an unknown one by its id', () => {
    expect(actionName('key.export.plain')).toBe('Keys exported in plain text');
    expect(actionName('audit.verify')).toBe('Audit log verified');
    expect(actionName('future.thing')).toBe('future.thing');
  });

  it('says why own checks and exports are not counted, in one and many', () => {
    expect(hiddenReadingText(1)).toBe(
      'Not counted above: 1 entry your own “Verify log” and exports wrote since you opened this screen. It is in the log; the figures hold still while you read.',
    );
    expect(hiddenReadingText(1200)).toMatch(/^Not counted above: 1,200 entries .* They are in the log;/);
  });
});
