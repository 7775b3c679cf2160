// Import, as a person does it (issue #16): a .env file and a KeePass (KDBX 4, Argon2id) database chosen through the
// page's real file chooser, the format shown, the database's password asked and a wrong one refused, a key already
// here by name resolved ("Skip", "Keep both" or "Replace"), one import, and the keys found in the list with their values.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { kdbx } from '../../src/interop/kdbx-engine';
import { addKey, createVault, expect, KDF_TIMEOUT, keyInList, revealValue, test } from './fixtures';

const KDBX_PASSWORD = 'Amber-Lattice-Otter-2290';

async function chooseFile(page: Page, dialog: Locator, path: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByLabel('File to import', { exact: true }).click()]);
  await chooser.setFiles(path);
}

/** A KDBX 4 database with Argon2id, as KeePassXC writes them by default, made here with kdbxweb. */
async function makeKdbx(path: string): Promise<void> {
  const k = kdbx();
  const db = k.Kdbx.create(new k.Credentials(k.ProtectedValue.fromString(KDBX_PASSWORD)), 'Team');
  db.setVersion(4);
  db.setKdf(k.Consts.KdfId.Argon2id);
  db.header.kdfParameters!.set('M', k.VarDictionary.ValueType.UInt64, k.Int64.from(8 * 1024 * 1024));
  db.header.kdfParameters!.set('I', k.VarDictionary.ValueType.UInt64, k.Int64.from(2));
  const group = db.createGroup(db.getDefaultGroup(), 'Payments');
  const entry = db.createEntry(group);
  entry.fields.set('Title', 'Stripe live');
  entry.fields.set('Password', k.ProtectedValue.fromString('sk_live_from_kdbx_51'));
  entry.fields.set('UserName', 'billing@example.com');
  await writeFile(path, new Uint8Array(await db.save()));
}

test('imports a .env file and a KeePass database through the file chooser, resolving a duplicate', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyward-import-'));
  try {
    const envPath = join(dir, 'service.env');
    await writeFile(envPath, '# service secrets\nDATABASE_URL="postgres://app:pw@db/app"\nexport API_TOKEN=tok_live_123\nSTRIPE_KEY=sk_other\n');
    const kdbxPath = join(dir, 'team.kdbx');
    await makeKdbx(kdbxPath);

    await page.goto('/');
    await createVault(page);
    await addKey(page, 'API_TOKEN', 'tok_live_123');
    await addKey(page, 'STRIPE_KEY', 'sk_old');

    // The .env file: format shown, two names already here (one same value, one different).
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    let dialog = page.getByRole('dialog', { name: 'Import keys' });
    await chooseFile(page, dialog, envPath);
    await expect(dialog).toContainText('.env file');
    const table = dialog.getByRole('table', { name: 'Keys already here by name' });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(dialog.getByLabel('Import API_TOKEN?')).toHaveValue('skip');
    await expect(dialog.getByLabel('Import STRIPE_KEY?')).toHaveValue('keep');
    // The different value replaces the key here: its next version, not a second STRIPE_KEY.
    await dialog.getByLabel('Import STRIPE_KEY?').selectOption('replace');
    await expect(dialog.getByRole('status').filter({ hasText: 'to import' })).toContainText('1 key to import, 1 key here to get a new version');
    await dialog.getByRole('button', { name: 'Import 2 keys', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Imported 2 keys from .env file.' })).toBeVisible();
    expect(await revealValue(page, 'DATABASE_URL')).toBe('postgres://app:pw@db/app');
    await expect(keyInList(page, 'STRIPE_KEY')).toHaveCount(1);
    await expect(keyInList(page, 'API_TOKEN')).toHaveCount(1);
    expect(await revealValue(page, 'STRIPE_KEY')).toBe('sk_other');

    // The KeePass database: its password is asked, a wrong one refused, nothing imported until the right one.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    dialog = page.getByRole('dialog', { name: 'Import keys' });
    await chooseFile(page, dialog, kdbxPath);
    await dialog.getByLabel('File password', { exact: true }).fill('not the password');
    await dialog.getByRole('button', { name: 'Open file', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('That password does not open this file.', { timeout: KDF_TIMEOUT });
    await dialog.getByLabel('File password', { exact: true }).fill(KDBX_PASSWORD);
    await dialog.getByRole('button', { name: 'Open file', exact: true }).click();
    await expect(dialog).toContainText('KeePass database (KDBX)', { timeout: KDF_TIMEOUT });
    await dialog.getByRole('button', { name: 'Import 1 key', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported 1 key from KeePass database (KDBX).' })).toBeVisible();
    expect(await revealValue(page, 'Stripe live')).toBe('sk_live_from_kdbx_51');
    await expect(keyInList(page, 'Stripe live')).toContainText('Payments');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file Keyward does not know is refused with plain words and writes nothing', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'keyward-import-'));
  try {
    const path = join(dir, 'photo.png');
    await writeFile(path, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe]));
    await page.goto('/');
    await createVault(page);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import keys' });
    await chooseFile(page, dialog, path);
    await expect(dialog.getByRole('alert')).toContainText('Nothing was imported.');
    await expect(dialog.getByRole('button', { name: /^Import \d/ })).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Keys' }).getByRole('listitem')).toHaveCount(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
