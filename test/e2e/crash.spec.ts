// Crash consistency (issue 8, point 2): the page is closed in the middle of a large write — a user-key rotation over
// 1,200 keys, a replace-restore of a 1,200-key backup — and on reopening the vault is entirely the old one or entirely
// the new one, and every key decrypts. "In the middle" is observed, not timed: another page of the origin watches the
// vault's cross-tab write lock (navigator.locks.query) and the writing page is closed as soon as that lock is held.
import type { BrowserContext, Page } from '@playwright/test';
import { addKey, createVault, expect, KDF_TIMEOUT, keyInList, PASSWORD, test, unlockAndWait } from './fixtures';
import { decryptAll, dumpBrowserVault, makeBackupFile, seededValue, type StoreDump } from './vault-data';

const COUNT = 1200;
const BACKUP_PASSWORD = 'Copper-Meadow-Falcon-4471-ribbon';
const WRITE_LOCK = 'keyward-write:keyward';

test.describe.configure({ timeout: 240_000 });

let big: { path: string; names: string[] };
test.beforeAll(async () => {
  test.setTimeout(120_000);
  big = await makeBackupFile({ count: COUNT, prefix: 'Seeded', password: PASSWORD, backupPassword: BACKUP_PASSWORD });
});

/** A page of the origin that is not the app: it watches the lock without holding or wanting the database. */
async function lockWatcher(context: BrowserContext): Promise<Page> {
  const watcher = await context.newPage();
  await watcher.goto('/favicon.svg');
  return watcher;
}

/** Resolves once any tab of the origin holds the vault's write lock (polled in the page, every task). */
function writeLockHeld(watcher: Page): Promise<void> {
  return watcher.evaluate(async (name) => {
    for (;;) {
      const { held } = await navigator.locks.query();
      if ((held ?? []).some((lock) => lock.name === name)) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }, WRITE_LOCK);
}

/** Replaces the vault from the "Restore backup" dialog of the Backups view, up to the final confirmation. */
async function restoreUpToConfirm(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup' });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByLabel('Backup file', { exact: true }).click()]);
  await chooser.setFiles(path);
  await dialog.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
  await dialog.getByRole('button', { name: 'Check backup file', exact: true }).click();
  await expect(dialog.getByRole('region', { name: 'Backup contents' })).toContainText(`${COUNT.toLocaleString('en-US')} keys`, { timeout: KDF_TIMEOUT });
  await dialog.getByRole('button', { name: 'Replace this vault', exact: true }).click();
}

/** Reopens the app in a fresh page, unlocks, and returns that page with a copy of what is stored. */
async function reopen(context: BrowserContext): Promise<{ page: Page; stored: StoreDump }> {
  const page = await context.newPage();
  await page.goto('/');
  await unlockAndWait(page);
  return { page, stored: await dumpBrowserVault(page) };
}

const bytesOf = (v: unknown) => JSON.stringify(v);

test('closing the page during a replace-restore leaves the old vault or the new one, all decryptable', async ({ page, context }) => {
  await page.goto('/');
  await createVault(page);
  const oldNames = ['Old key one', 'Old key two', 'Old key three'];
  for (const name of oldNames) await addKey(page, name, seededValue(name));
  const before = await decryptAll(await dumpBrowserVault(page), PASSWORD);
  expect(before.values.size).toBe(3);

  const watcher = await lockWatcher(context);
  await restoreUpToConfirm(page, big.path);
  const held = writeLockHeld(watcher);
  await page.getByRole('dialog', { name: 'Confirm replace' }).getByRole('button', { name: 'Replace everything', exact: true }).click();
  await held;
  await page.close({ runBeforeUnload: false });

  const { page: again, stored } = await reopen(context);
  const after = await decryptAll(stored, PASSWORD);
  const expected = after.values.size === COUNT ? big.names : oldNames;
  test.info().annotations.push({ type: 'state after the crash', description: after.values.size === COUNT ? 'new (restored)' : 'old' });
  // All old or all new: exactly one side's keys, each with its own value, and an intact chain.
  expect([...after.values.keys()].sort()).toEqual([...expected].sort());
  for (const [name, value] of after.values) expect(value, name).toBe(seededValue(name));
  expect(after.logOk).toBe(true);
  if (expected === oldNames) expect(after.keyIds).toEqual(before.keyIds);
  await expect(keyInList(again, expected[0]!)).toBeVisible({ timeout: KDF_TIMEOUT });
});

test('closing the page during a user-key rotation over 1,200 keys leaves every key under the old or the new user key', async ({ page, context }) => {
  // A vault of 1,200 keys, restored from a backup made in Node on the first-run screen.
  await page.goto('/');
  await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup' });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByLabel('Backup file', { exact: true }).click()]);
  await chooser.setFiles(big.path);
  await dialog.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
  await dialog.getByRole('button', { name: 'Check backup file', exact: true }).click();
  await dialog.getByRole('button', { name: 'Replace this vault', exact: true }).click({ timeout: KDF_TIMEOUT });
  await page.getByRole('dialog', { name: 'Confirm replace' }).getByRole('button', { name: 'Replace everything', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  await unlockAndWait(page);
  await expect(keyInList(page, big.names[0]!)).toBeVisible({ timeout: KDF_TIMEOUT });
  const before = await dumpBrowserVault(page);

  const watcher = await lockWatcher(context);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Confirm with your password', { exact: true }).fill(PASSWORD);
  const held = writeLockHeld(watcher);
  await settings.getByRole('button', { name: 'Rotate user key', exact: true }).click();
  await held;
  await page.close({ runBeforeUnload: false });

  const { page: again, stored } = await reopen(context);
  const after = await decryptAll(stored, PASSWORD);
  expect(after.values.size).toBe(COUNT);
  for (const [name, value] of after.values) expect(value, name).toBe(seededValue(name));
  expect(after.logOk).toBe(true);
  // Old or new, never a mix: the user row and all 1,200 data-key wrappings changed together, or none did.
  const wrapOf = (dump: StoreDump) => new Map(dump.grants!.map((g) => [bytesOf((g as { keyId: unknown }).keyId), bytesOf((g as { wrappedDek: unknown }).wrappedDek)]));
  const userKeyOf = (dump: StoreDump) => bytesOf((dump.users![0] as { wrappedUserKey: unknown }).wrappedUserKey);
  const oldWraps = wrapOf(before);
  const newWraps = wrapOf(stored);
  const unchanged = [...newWraps].filter(([id, wrap]) => oldWraps.get(id) === wrap).length;
  const rotated = userKeyOf(stored) !== userKeyOf(before);
  test.info().annotations.push({ type: 'state after the crash', description: rotated ? 'new (rotated)' : 'old' });
  expect(newWraps.size).toBe(COUNT);
  expect(unchanged).toBe(rotated ? 0 : COUNT);
  // The list is virtualised: only rows near the top are in the page; every key was checked above from storage.
  await expect(keyInList(again, big.names[0]!)).toBeVisible({ timeout: KDF_TIMEOUT });
});
