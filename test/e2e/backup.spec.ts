// Backups, as a person uses them: export one (a file of ciphertext), check it, see damaged files and wrong passwords
// refused with their own words while nothing changes, merge it back into the vault, and restore it into a browser
// with no vault — on first run, and after the browser removed the vault.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { BACKUP_ERROR_WORDS } from '../../src/vault/backup-file';
import { addKey, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, PASSWORD, revealValue, test, unlockAndWait } from './fixtures';

const BACKUP_PASSWORD = 'Copper-Meadow-Falcon-4471-ribbon';
const KEYS = [
  { name: 'ci-deploy-token', value: 'ghp_CiDeploy_7hQ2xW9kLm' },
  { name: 'smtp-relay-password', value: 'smtp-Relay-3vN8-pass' },
] as const;
const RESTORED = 'Restored. Unlock with the vault password the backup was made with.';

/** Picks a file through the real file chooser the "Backup file" field opens. */
async function chooseFile(page: Page, scope: Locator, path: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), scope.getByLabel('Backup file', { exact: true }).click()]);
  await chooser.setFiles(path);
}

/** Chooses a file, types its password and presses "Check backup file". */
async function checkFile(page: Page, scope: Locator, path: string, password: string): Promise<void> {
  await chooseFile(page, scope, path);
  await scope.getByLabel('Backup password', { exact: true }).fill(password);
  await scope.getByRole('button', { name: 'Check backup file', exact: true }).click();
}

/** Restores `path` from the "Restore backup" dialog (already open) and waits for the unlock screen. */
async function replaceFromDialog(page: Page, path: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Restore backup' });
  await checkFile(page, dialog, path, BACKUP_PASSWORD);
  const contents = dialog.getByRole('region', { name: 'Backup contents' });
  await expect(contents).toContainText('2 keys', { timeout: KDF_TIMEOUT });
  await expect(contents).toContainText('This browser has no vault');
  // No session here: a merge needs an unlocked vault.
  await expect(dialog.getByRole('button', { name: 'Merge into this vault', exact: true })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Replace this vault', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Confirm replace' });
  await expect(confirm.getByRole('button', { name: 'Cancel', exact: true })).toBeFocused();
  await confirm.getByRole('button', { name: 'Replace everything', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Restored.' })).toHaveText(RESTORED, { timeout: KDF_TIMEOUT });
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
}

/** A copy of `bytes` with one bit pattern flipped in the middle byte (inside the encrypted payload). */
function flipByte(bytes: Uint8Array, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  const middle = Math.floor(copy.length / 2);
  copy.writeUInt8(copy.readUInt8(middle) ^ mask, middle);
  return copy;
}

async function expectBothKeys(page: Page): Promise<void> {
  for (const key of KEYS) {
    await expect(keyInList(page, key.name)).toBeVisible();
    expect(await revealValue(page, key.name)).toBe(key.value);
    await keyDetail(page, key.name).getByRole('button', { name: 'Hide', exact: true }).click();
  }
}

test.describe.serial('backups', () => {
  let dir = '';
  let backupPath = '';

  test.beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyward-backup-'));
    backupPath = join(dir, 'vault.kwbak');
  });

  test('export a backup, check it, refuse bad files without a change, merge it back, replace the vault with it', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/');
    await createVault(page);
    for (const key of KEYS) await addKey(page, key.name, key.value);

    // A new vault has no backup: the reminder says so and opens the export dialog.
    await expect(page.getByText('You have no backup yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Export backup', exact: true }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export backup' });
    await expect(exportDialog.getByLabel('Backup password', { exact: true })).toBeFocused();
    // Too short and not matching: refused before anything is written.
    await exportDialog.getByLabel('Backup password', { exact: true }).fill('short');
    await exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click();
    await expect(exportDialog.getByText('Use at least 10 characters.')).toBeVisible();
    await exportDialog.getByLabel('Backup password', { exact: true }).fill(BACKUP_PASSWORD);
    await exportDialog.getByLabel('Confirm backup password', { exact: true }).fill(`${BACKUP_PASSWORD}x`);
    await exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click();
    await expect(exportDialog.getByText('The backup passwords do not match.')).toBeVisible();
    await exportDialog.getByLabel('Confirm backup password', { exact: true }).fill(BACKUP_PASSWORD);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
      exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^keyward-backup-\d{8}-\d{6}\.kwbak$/);
    await download.saveAs(backupPath);
    await expect(exportDialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Backup saved as' })).toContainText(download.suggestedFilename());
    await expect(page.getByText('You have no backup yet.')).toHaveCount(0);

    // The file is a Keyward backup (FORMAT.md §6.1) and holds no key name or value in the clear.
    const bytes = await readFile(backupPath);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x4b, 0x57, 0x42, 0x41, 0x4b, 0x0d, 0x0a]);
    const latin1 = bytes.toString('latin1');
    for (const key of KEYS) {
      expect(latin1).not.toContain(key.name);
      expect(latin1).not.toContain(key.value);
    }

    // "Check backup file" on the vault that made it.
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await expect(page.getByText(/^Last backup: \d/)).toBeVisible();
    const check = page.getByRole('region', { name: 'Check a backup file' });
    await checkFile(page, check, backupPath, BACKUP_PASSWORD);
    const contents = page.getByRole('region', { name: 'Backup contents' });
    await expect(contents).toContainText('2 keys', { timeout: KDF_TIMEOUT });
    await expect(contents).toContainText('This backup is of the same vault as the one in this browser.');
    await expect(contents).toContainText('It holds everything your vault holds now.');

    // A byte flipped in the middle: damaged, in the backup's own words.
    const damaged = flipByte(bytes, 0x01);
    const damagedPath = join(dir, 'damaged.kwbak');
    await writeFile(damagedPath, damaged);
    await chooseFile(page, check, damagedPath);
    await check.getByRole('button', { name: 'Check backup file', exact: true }).click();
    await expect(check.getByRole('alert')).toHaveText(BACKUP_ERROR_WORDS.Damaged, { timeout: KDF_TIMEOUT });
    await expect(contents).toHaveCount(0);
    // What was typed stays.
    await expect(check.getByLabel('Backup password', { exact: true })).toHaveValue(BACKUP_PASSWORD);

    // The right file with a wrong password.
    await checkFile(page, check, backupPath, 'not-the-backup-password');
    await expect(check.getByRole('alert')).toHaveText(BACKUP_ERROR_WORDS.WrongPassword, { timeout: KDF_TIMEOUT });
    await expect(check.getByLabel('Backup password', { exact: true })).toHaveValue('not-the-backup-password');
    await expect(check.getByLabel('Backup password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    // Not a backup at all, and a cut-off one.
    const textPath = join(dir, 'notes.kwbak');
    await writeFile(textPath, 'just some notes\n');
    await checkFile(page, check, textPath, BACKUP_PASSWORD);
    await expect(check.getByRole('alert')).toHaveText(BACKUP_ERROR_WORDS.NotBackup);
    const cutPath = join(dir, 'cut.kwbak');
    await writeFile(cutPath, bytes.subarray(0, bytes.length - 100));
    await checkFile(page, check, cutPath, BACKUP_PASSWORD);
    await expect(check.getByRole('alert')).toHaveText(BACKUP_ERROR_WORDS.Truncated);

    // Nothing changed: still unlocked, both keys as they were.
    await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
    await expectBothKeys(page);

    // Merge: rename one key and add another; the backup's version of the renamed key is taken back.
    const [first] = KEYS;
    await keyInList(page, first.name).click();
    await keyDetail(page, first.name).getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(`${first.name}-renamed`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(keyInList(page, `${first.name}-renamed`)).toBeVisible();
    await addKey(page, 'only-here', 'only-here-value-Pp3');
    await expect(page.getByText('Keys changed since your last backup.')).toBeVisible();

    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
    const restore = page.getByRole('dialog', { name: 'Restore backup' });
    await checkFile(page, restore, backupPath, BACKUP_PASSWORD);
    await expect(restore.getByRole('region', { name: 'Backup contents' })).toContainText(
      'This backup is older than your vault: changes made since are not in it.',
      { timeout: KDF_TIMEOUT },
    );
    await restore.getByRole('button', { name: 'Merge into this vault', exact: true }).click();
    const vaultPassword = restore.getByLabel('Vault password of the backup', { exact: true });
    await expect(vaultPassword).toBeFocused();
    await vaultPassword.fill('not-the-vault-password');
    await restore.getByRole('button', { name: 'Compare keys', exact: true }).click();
    await expect(restore.getByRole('alert')).toContainText('does not open the vault in the backup', { timeout: KDF_TIMEOUT });
    await vaultPassword.fill(PASSWORD);
    await restore.getByRole('button', { name: 'Compare keys', exact: true }).click();
    const comparison = restore.getByRole('region', { name: 'Comparison' });
    await expect(comparison).toContainText('0 keys are only in the backup', { timeout: KDF_TIMEOUT });
    await expect(comparison).toContainText('1 key is the same in both');
    await expect(comparison).toContainText('1 key differs');
    const conflict = comparison.getByRole('group', { name: `${first.name}-renamed` });
    await expect(conflict.getByRole('row', { name: /^Name/ })).toContainText(`${first.name}-renamed`);
    await expect(conflict.getByRole('row', { name: /^Name/ })).toContainText(first.name);
    await expect(conflict.getByLabel('Keep mine', { exact: true })).toBeChecked();
    await conflict.getByLabel('Take backup', { exact: true }).check();
    await restore.getByRole('button', { name: 'Merge', exact: true }).click();
    await expect(restore).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Merged:' })).toHaveText('Merged: 0 added, 1 replaced');

    await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
    await expect(keyInList(page, `${first.name}-renamed`)).toHaveCount(0);
    await expectBothKeys(page);
    await expect(keyInList(page, 'only-here')).toBeVisible();

    // "Use my vault password": the vault checks it before anything is written.
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await page.getByRole('region', { name: 'Export', exact: true }).getByRole('button', { name: 'Export backup', exact: true }).click();
    await exportDialog.getByLabel('Use my vault password', { exact: true }).check();
    await expect(exportDialog.getByLabel('Backup password', { exact: true })).toHaveCount(0);
    await exportDialog.getByLabel('Vault password', { exact: true }).fill('not-the-vault-password');
    await exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click();
    await expect(exportDialog.getByRole('alert')).toHaveText('That password does not open this vault.', { timeout: KDF_TIMEOUT });
    await exportDialog.getByLabel('Vault password', { exact: true }).fill(PASSWORD);
    const [second] = await Promise.all([
      page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
      exportDialog.getByRole('button', { name: 'Export backup', exact: true }).click(),
    ]);
    const vaultPasswordBackup = join(dir, 'vault-password.kwbak');
    await second.saveAs(vaultPasswordBackup);
    await expect(page.getByText(/^Last backup: \d/)).toBeVisible();

    // "Replace this vault" from an unlocked vault: the older backup wins, the session ends, and the vault password
    // the backup was made with opens it.
    await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
    await checkFile(page, restore, backupPath, BACKUP_PASSWORD);
    await restore.getByRole('button', { name: 'Replace this vault', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm replace' });
    await expect(confirm).toContainText("Everything in this browser's vault will be replaced by the backup. This cannot be undone.");
    // Cancel keeps everything.
    await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(confirm).toHaveCount(0);
    await restore.getByRole('button', { name: 'Replace this vault', exact: true }).click();
    await confirm.getByRole('button', { name: 'Replace everything', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Restored.' })).toHaveText(RESTORED, { timeout: KDF_TIMEOUT });
    await expect(page.getByRole('button', { name: 'Lock', exact: true })).toHaveCount(0);
    await unlockAndWait(page, PASSWORD);
    await expectBothKeys(page);
    await expect(keyInList(page, 'only-here')).toHaveCount(0);

    // The backup made with the vault password opens with it.
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await checkFile(page, check, vaultPasswordBackup, PASSWORD);
    await expect(contents).toContainText('3 keys', { timeout: KDF_TIMEOUT });
  });

  test('restore into a browser with no vault', async ({ page }) => {
    test.setTimeout(120_000);
    // A fresh browser context: no vault, no marker — the first-run screen.
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
    await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });

    // A damaged file first: its words, and still no vault.
    const damaged = flipByte(await readFile(backupPath), 0x80);
    const damagedPath = join(dir, 'damaged-2.kwbak');
    await writeFile(damagedPath, damaged);
    await checkFile(page, dialog, damagedPath, BACKUP_PASSWORD);
    await expect(dialog.getByRole('alert')).toHaveText(BACKUP_ERROR_WORDS.Damaged, { timeout: KDF_TIMEOUT });
    await expect(dialog.getByRole('button', { name: 'Replace this vault', exact: true })).toHaveCount(0);

    await replaceFromDialog(page, backupPath);
    await unlockAndWait(page, PASSWORD);
    await expectBothKeys(page);
  });

  test('restore after the browser removed the vault', async ({ page }) => {
    test.setTimeout(120_000);
    // The marker says a vault was here; IndexedDB (a fresh context's) has none.
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
    await page.evaluate(() => localStorage.setItem('keyward.vault-created', '1'));
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Your vault is gone from this browser' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText('Your stored vault was removed by the browser — restore it from a backup.');
    await expect(page.getByRole('button', { name: 'Start a new vault', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
    await replaceFromDialog(page, backupPath);
    await unlockAndWait(page, PASSWORD);
    await expectBothKeys(page);

    // The restored log is intact, and says it was restored.
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await page.getByRole('button', { name: 'Verify log', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText(/^Log intact: \d+ entries verified$/);
    await page.getByLabel('Action', { exact: true }).selectOption('backup.restore');
    await expect(page.getByRole('table', { name: 'Matching entries' }).locator('tbody').getByRole('row')).toHaveCount(1);
  });
});
