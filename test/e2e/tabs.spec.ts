// Several tabs of one vault (issue 8, point 1), as two pages of one browser context share one origin's storage:
// a change in one shows in the other, "Lock" locks both, writes from both land with the audit chain intact, and a
// newer schema opened elsewhere makes the old tab let go of the database and ask for a reload.
import type { Page } from '@playwright/test';
import { DB } from '../../src/storage/schema';
import { addKey, createVault, expect, keyInList, KDF_TIMEOUT, revealValue, test, unlockAndWait } from './fixtures';

// Two key derivations (create, then unlock in the second tab) and up to eight saves on a shared 2-core machine.
test.describe.configure({ timeout: 120_000 });

/** Tab A creates the vault; tab B opens the app and unlocks it. */
async function twoUnlockedTabs(page: Page): Promise<Page> {
  await page.goto('/');
  await createVault(page);
  const other = await page.context().newPage();
  await other.goto('/');
  await unlockAndWait(other);
  return other;
}

test('a key created in one tab appears in the other, and an edit comes back', async ({ page }) => {
  const tabB = await twoUnlockedTabs(page);
  await addKey(page, 'Made in tab A', 'value-from-a');
  await expect(keyInList(tabB, 'Made in tab A')).toBeVisible();
  expect(await revealValue(tabB, 'Made in tab A')).toBe('value-from-a');
  await addKey(tabB, 'Made in tab B', 'value-from-b');
  await expect(keyInList(page, 'Made in tab B')).toBeVisible();
});

test('the audit screen of one tab shows what another tab did', async ({ page }) => {
  const tabB = await twoUnlockedTabs(page);
  await tabB.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(tabB.getByRole('button', { name: 'Verify log', exact: true })).toBeVisible();
  await addKey(page, 'Watched key', 'watched-value');
  const rows = tabB.getByRole('table', { name: 'Matching entries' }).locator('tbody').getByRole('row');
  await expect(rows.filter({ hasText: 'Watched key' }).first()).toBeVisible();
});

test('Lock in one tab locks the other', async ({ page }) => {
  const tabB = await twoUnlockedTabs(page);
  await addKey(tabB, 'Shown before lock', 'secret-before-lock');
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect(tabB.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect(tabB.getByText('Locked in another Keyward tab.')).toBeVisible();
  await expect(tabB.getByText('Shown before lock')).toHaveCount(0);
  await expect(tabB.getByRole('button', { name: 'Lock', exact: true })).toHaveCount(0);
});

test('writes from both tabs at once all land, and the audit chain verifies', async ({ page }) => {
  const tabB = await twoUnlockedTabs(page);
  const names = (tab: string) => Array.from({ length: 4 }, (_, i) => `${tab} key ${i + 1}`);
  // Both tabs save at the same time; within a tab one after the other, as a person would.
  await Promise.all(
    [
      [page, names('A')],
      [tabB, names('B')],
    ].map(async ([tab, list]) => {
      for (const name of list as string[]) await addKey(tab as Page, name, `value of ${name}`);
    }),
  );
  for (const tab of [page, tabB]) {
    for (const name of [...names('A'), ...names('B')]) await expect(keyInList(tab, name)).toBeVisible();
  }
  expect(await revealValue(page, 'B key 4')).toBe('value of B key 4');
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText(/^Log intact: \d+ entries verified$/, { timeout: KDF_TIMEOUT });
});

test('a newer schema opened elsewhere makes the old tab close its connection and ask for a reload', async ({ page, context }) => {
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'Before the upgrade', 'kept-value');
  // Another page of the origin opens the database at the next version, as a newer Keyward would. It is blocked
  // (forever) unless the old tab closes its connection.
  const newer = await context.newPage();
  await newer.goto('/favicon.svg');
  const upgraded = await newer.evaluate(
    (next) =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('keyward', next);
        request.onupgradeneeded = () => request.result.createObjectStore('fromTheFuture');
        request.onsuccess = () => {
          const version = request.result.version;
          request.result.close();
          resolve(version);
        };
        request.onerror = () => reject(request.error);
      }),
    DB.version + 1,
  );
  expect(upgraded).toBe(DB.version + 1);
  await expect(page.getByRole('heading', { name: 'Reload to continue' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Keyward was updated in another tab');
  await expect(page.getByRole('button', { name: 'Reload', exact: true })).toBeVisible();
  // The keys are gone from the page with the session.
  await expect(page.getByText('Before the upgrade')).toHaveCount(0);
});

test('settings saved in one tab apply in the other at once', async ({ page }) => {
  const tabB = await twoUnlockedTabs(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialogA = page.getByRole('dialog', { name: 'Settings' });
  await dialogA.getByLabel('Auto-lock after (minutes)').fill('7');
  await dialogA.getByLabel('Clear clipboard after (seconds)').fill('45');
  await dialogA.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expect(dialogA.getByRole('button', { name: 'Save settings', exact: true })).toBeEnabled();
  await tabB.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialogB = tabB.getByRole('dialog', { name: 'Settings' });
  await expect(dialogB.getByLabel('Auto-lock after (minutes)')).toHaveValue('7');
  await expect(dialogB.getByLabel('Clear clipboard after (seconds)')).toHaveValue('45');
});

test('activity in one tab keeps the others unlocked; when every tab is idle, all of them lock', async ({ page, context }) => {
  // One fake clock for the whole context: moving it moves every tab's timers (the default auto-lock is 15 minutes).
  await context.clock.install();
  const tabB = await twoUnlockedTabs(page);
  await addKey(page, 'Seen while active', 'idle-secret');
  await expect(keyInList(tabB, 'Seen while active')).toBeVisible();

  // The person works in tab A only: after 10 minutes a key press there, 10 minutes later tab B (untouched for
  // 20 minutes, past its own 15) is still unlocked, because A told it about the activity.
  await context.clock.fastForward('10:00');
  await page.getByLabel('Search').press('Shift');
  await context.clock.fastForward('10:00');
  for (const tab of [page, tabB]) {
    await expect(tab.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
    await expect(keyInList(tab, 'Seen while active')).toBeVisible();
  }

  // Then nothing happens anywhere: past 15 minutes every tab locks, and no key is left on any page.
  await context.clock.fastForward('16:00');
  for (const tab of [page, tabB]) {
    await expect(tab.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
    await expect(tab.getByText('Seen while active')).toHaveCount(0);
    await expect(tab.getByRole('button', { name: 'Lock', exact: true })).toHaveCount(0);
  }
  await expect(page.getByText(/Locked after a period without activity|Locked in another Keyward tab/)).toBeVisible();
});
