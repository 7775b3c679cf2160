// Accessibility (issue 8 point 7): axe-core scans every screen and every dialog the app can show, in the state a
// person sees it (errors shown, values revealed, previews open), and fails on any serious or critical violation,
// naming the rule and the elements. What axe cannot see — keyboard-only use, focus in dialogs — is in keyboard.spec.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { addKey, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, PASSWORD, revealValue, test, unlock, unlockAndWait } from './fixtures';

const BACKUP_PASSWORD = 'Copper-Meadow-Falcon-4471-ribbon';

/** Picks a file through the real file chooser the "Backup file" field opens. */
async function chooseFile(page: Page, scope: Locator, path: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), scope.getByLabel('Backup file', { exact: true }).click()]);
  await chooser.setFiles(path);
}

test('first run: create vault (also with its errors) and the restore dialog', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Create vault', exact: true })).toBeVisible();
  await expectAccessible(page, 'create vault');

  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password', { exact: true }).fill('other');
  await page.getByRole('button', { name: 'Create vault', exact: true }).click();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await expectAccessible(page, 'create vault, with errors');

  await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Restore backup' })).toBeVisible();
  await expectAccessible(page, 'restore backup dialog (first run)');
});

// axe takes seconds per scan on a busy 2-core machine: the screens are spread over tests of a few minutes each.
test('keys: empty list, new key form and generator, a typed key exported, destruction scheduled', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await createVault(page);
  await expectAccessible(page, 'empty key list');

  // New key form, with the generator's secret and then a typed key's fields.
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByLabel('Value', { exact: true })).not.toHaveValue('');
  await expectAccessible(page, 'new key form with the generator');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Give the key a name.')).toBeVisible();
  await expectAccessible(page, 'new key form with an error');
  await page.getByLabel('Type', { exact: true }).selectOption({ label: 'ECDSA P-256' });
  await expectAccessible(page, 'new key form, typed key');
  await page.getByLabel('Name', { exact: true }).fill('release-signing');
  await page.getByRole('radio', { name: 'Generate', exact: true }).check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, 'release-signing')).toBeVisible();

  // Key detail of a typed key, with its public key exported.
  const typed = keyDetail(page, 'release-signing');
  await typed.getByRole('button', { name: 'Export public key', exact: true }).click();
  await expect(typed.locator('pre').filter({ hasText: 'BEGIN PUBLIC KEY' })).toBeVisible();
  await expectAccessible(page, 'key detail, typed key with its public key exported');
  await typed.getByRole('button', { name: 'Reveal private key', exact: true }).click();
  await expect(typed.locator('pre').filter({ hasText: 'BEGIN PRIVATE KEY' })).toBeVisible();
  await expectAccessible(page, 'key detail, typed key with its private key revealed');
  await typed.getByRole('button', { name: 'Hide private key', exact: true }).click();
  await typed.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog', { name: 'Schedule destruction' }).getByRole('button', { name: 'Schedule destruction', exact: true }).click();
  await expect(typed.getByText(/^Destroys on /)).toBeVisible();
  await expectAccessible(page, 'key detail, destruction scheduled');
});

test('keys: list, a secret revealed, every key dialog, compromised, due view', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await createVault(page);

  // A secret: list, detail with the value revealed.
  await addKey(page, 'payments-api-token', 'tok_live_9QxV2mRr7Lk3');
  await expectAccessible(page, 'key list with keys');
  expect(await revealValue(page, 'payments-api-token')).toBe('tok_live_9QxV2mRr7Lk3');
  await expectAccessible(page, 'key detail, value revealed');
  const detail = keyDetail(page, 'payments-api-token');

  // Its dialogs.
  await detail.getByRole('button', { name: 'Rotate now', exact: true }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate payments-api-token' });
  await expect(rotate).toBeVisible();
  await expectAccessible(page, 'rotate dialog');
  await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
  await expect(rotate.getByText('Enter the new value.')).toBeVisible();
  await expectAccessible(page, 'rotate dialog with an error');
  await rotate.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(rotate).toHaveCount(0);

  await detail.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  const compromise = page.getByRole('dialog', { name: 'Mark compromised' });
  await expect(compromise).toBeVisible();
  await expectAccessible(page, 'compromise dialog');
  await page.keyboard.press('Escape');
  await expect(compromise).toHaveCount(0);

  await detail.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Confirm deactivate' })).toBeVisible();
  await expectAccessible(page, 'confirm deactivate dialog');
  await page.keyboard.press('Escape');

  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Schedule destruction' })).toBeVisible();
  await expectAccessible(page, 'schedule destruction dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Compromised, with its banner.
  await detail.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  await compromise.getByLabel('Reason', { exact: true }).fill('pasted into a public chat');
  await compromise.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  await expect(compromise).toHaveCount(0);
  await expect(detail.getByText(/^Compromised: pasted into a public chat/)).toBeVisible();
  await expectAccessible(page, 'key detail, compromised');

  await page.getByRole('button', { name: 'Due for rotation', exact: true }).click();
  await expectAccessible(page, 'due for rotation view');
  await page.getByRole('button', { name: 'All keys', exact: true }).click();
});

test('settings, audit, backups (export dialog, check preview, restore preview and comparison), unlock', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'payments-api-token', 'tok_live_9QxV2mRr7Lk3');
  await addKey(page, 'smtp-relay-password', 'smtp-Relay-3vN8-pass');
  expect(await revealValue(page, 'payments-api-token')).toBe('tok_live_9QxV2mRr7Lk3');

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expectAccessible(page, 'settings dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Audit.
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Activity per day/ })).toBeVisible();
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toBeVisible();
  await expectAccessible(page, 'audit screen');
  await page.getByRole('button', { name: 'Archive and trim', exact: true }).click();
  const archive = page.getByRole('dialog', { name: 'Archive and trim the audit log' });
  await archive.getByLabel('Trim entries before', { exact: true }).fill('2001-01-01');
  await expect(archive.getByRole('status')).toContainText('No entry before that date');
  await expectAccessible(page, 'archive and trim dialog, nothing to archive');
  const tomorrow = await page.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await archive.getByLabel('Trim entries before', { exact: true }).fill(tomorrow);
  await expect(archive.getByRole('status')).toContainText('will be saved to an archive file');
  await Promise.all([page.waitForEvent('download'), archive.getByRole('button', { name: 'Download archive', exact: true }).click()]);
  await expect(archive.getByRole('button', { name: /^Trim \d+ entries$/ })).toBeVisible();
  await expectAccessible(page, 'archive and trim dialog, archive downloaded');
  await archive.getByRole('button', { name: /^Trim \d+ entries$/ }).click();
  await expect(archive.getByRole('status')).toContainText('Trimmed');
  await expectAccessible(page, 'archive and trim dialog, trimmed');
  await archive.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(archive).toHaveCount(0);

  // Backups: the screen, the export dialog, a check's preview, the restore dialog's preview and comparison.
  await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Check a backup file' })).toBeVisible();
  await expectAccessible(page, 'backups screen');
  await page.getByRole('region', { name: 'Export', exact: true }).getByRole('button', { name: 'Export backup', exact: true }).click();
  const exportDialog = page.getByRole('dialog', { name: 'Export backup' });
  await expect(exportDialog).toBeVisible();
  await expectAccessible(page, 'export backup dialog');
  await exportDialog.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
  await exportDialog.getByLabel('Confirm backup password', { exact: true }).fill(BACKUP_PASSWORD);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
    exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click(),
  ]);
  const backupPath = join(await mkdtemp(join(tmpdir(), 'keyward-a11y-')), 'vault.kwbak');
  await download.saveAs(backupPath);
  await expect(exportDialog).toHaveCount(0);

  const check = page.getByRole('region', { name: 'Check a backup file' });
  await chooseFile(page, check, backupPath);
  await check.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
  await check.getByRole('button', { name: 'Check backup file', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Backup contents' })).toContainText('2 keys', { timeout: KDF_TIMEOUT });
  await expectAccessible(page, 'backup check preview');

  await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
  const restore = page.getByRole('dialog', { name: 'Restore backup' });
  await chooseFile(page, restore, backupPath);
  await restore.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
  await restore.getByRole('button', { name: 'Check backup file', exact: true }).click();
  await expect(restore.getByRole('region', { name: 'Backup contents' })).toContainText('2 keys', { timeout: KDF_TIMEOUT });
  await expectAccessible(page, 'restore preview');
  await restore.getByRole('button', { name: 'Merge into this vault', exact: true }).click();
  await restore.getByLabel('Vault password of the backup', { exact: true }).fill(PASSWORD);
  await restore.getByRole('button', { name: 'Compare keys', exact: true }).click();
  await expect(restore.getByRole('region', { name: 'Comparison' })).toBeVisible({ timeout: KDF_TIMEOUT });
  await expectAccessible(page, 'restore, merge comparison');
  await page.keyboard.press('Escape');
  await expect(restore).toHaveCount(0);

  // Locked: the unlock screen, and its error.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expectAccessible(page, 'unlock');
  await unlock(page, 'not-the-right-password-at-all');
  await expect(page.getByRole('alert')).toHaveText('That password does not open this vault.', { timeout: KDF_TIMEOUT });
  await expectAccessible(page, 'unlock, wrong password');
  await unlockAndWait(page);
});

test('the vault-removed screen', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('keyward');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve('error');
        request.onblocked = () => resolve('blocked');
      }),
  );
  expect(outcome).toBe('deleted');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your vault is gone from this browser' })).toBeVisible();
  await expectAccessible(page, 'vault removed');
});

test('the error screen (no IndexedDB, as in some private modes)', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Keyward cannot open a vault here' })).toBeVisible();
  await expectAccessible(page, 'error screen');
});
