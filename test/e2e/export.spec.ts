// Plaintext exports, as a person uses them (issue #16): the whole vault as a KDBX 4 database that the real
// keepassxc-cli opens with its password and lists with the right values and history, and keys with a tag as a .env
// file that the dotenv package parses back to the same values. Both ask first; both are in the audit log.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { addKey, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, test } from './fixtures';

const FILE_PASSWORD = 'Saffron-Glacier-Otter-2093-beacon';
const KEYS = [
  { name: 'stripe-live', value: 'sk_live_FirstValue_1a2b', tags: 'payments, prod' },
  { name: 'DATABASE_URL', value: 'postgres://app:p4ss@db.internal:5432/app?sslmode=require', tags: 'prod' },
  { name: 'github token', value: 'ghp_Gh7TokenValue "quoted" $HOME #hash', tags: 'dev' },
] as const;
const ROTATED = 'sk_live_SecondValue_3c4d';

/** keepassxc-cli with the password on standard input (never on the command line). */
function keepassxc(args: string[], password: string): string {
  return execFileSync('keepassxc-cli', args, { input: `${password}\n`, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

async function addTaggedKey(page: Page, key: (typeof KEYS)[number]): Promise<void> {
  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(key.name);
  await page.getByLabel('Value', { exact: true }).fill(key.value);
  await page.getByLabel('Tags', { exact: true }).fill(key.tags);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, key.name)).toBeVisible();
}

test.describe.serial('plaintext exports', () => {
  let dir = '';

  test.beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyward-export-'));
  });

  test('the whole vault as a KDBX 4 file keepassxc-cli opens; a tag, and the keys a search shows, as .env files dotenv parses back', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto('/');
    await createVault(page);
    for (const key of KEYS) await addTaggedKey(page, key);
    await addKey(page, 'untagged-note', 'plain value, no tag');

    // One key rotated: its entry has the first value as history.
    await keyInList(page, 'stripe-live').click();
    await keyDetail(page, 'stripe-live').getByRole('button', { name: 'Rotate now', exact: true }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate stripe-live' });
    await rotate.getByLabel('New value', { exact: true }).fill(ROTATED);
    await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
    await expect(rotate).toHaveCount(0);

    // ── KDBX: from the Backups screen, a password of its own (twice, at least 10 characters).
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await page.getByRole('button', { name: 'Export KeePass database', exact: true }).click();
    const kdbxDialog = page.getByRole('dialog', { name: 'Export KeePass database' });
    await expect(kdbxDialog.getByLabel('Password for the file', { exact: true })).toBeFocused();
    await expect(kdbxDialog.getByRole('status')).toHaveText('4 keys to export.');
    await expectAccessible(page, 'export KeePass database');
    await kdbxDialog.getByLabel('Password for the file', { exact: true }).fill('too short');
    await kdbxDialog.getByRole('button', { name: 'Export KeePass database', exact: true }).click();
    await expect(kdbxDialog.getByText('Use at least 10 characters.')).toBeVisible();
    await kdbxDialog.getByLabel('Password for the file', { exact: true }).fill(FILE_PASSWORD);
    await kdbxDialog.getByLabel('Confirm password for the file', { exact: true }).fill(`${FILE_PASSWORD}x`);
    await kdbxDialog.getByRole('button', { name: 'Export KeePass database', exact: true }).click();
    await expect(kdbxDialog.getByText('The passwords do not match.')).toBeVisible();
    await kdbxDialog.getByLabel('Confirm password for the file', { exact: true }).fill(FILE_PASSWORD);
    const [kdbxDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
      kdbxDialog.getByRole('button', { name: 'Export KeePass database', exact: true }).click(),
    ]);
    expect(kdbxDownload.suggestedFilename()).toMatch(/^keyward-\d{8}-\d{6}\.kdbx$/);
    const kdbxPath = join(dir, kdbxDownload.suggestedFilename());
    await kdbxDownload.saveAs(kdbxPath);
    await expect(kdbxDialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Exported 4 keys to' })).toContainText(kdbxDownload.suggestedFilename());

    // The real KeePassXC opens it with that password, and lists every key with its current value.
    const listing = keepassxc(['ls', '-R', '-f', kdbxPath], FILE_PASSWORD);
    const paths = listing.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.endsWith('/'));
    const pathOf = (name: string): string => {
      const found = paths.find((p) => p === name || p.endsWith(`/${name}`));
      expect(found, `${name} in ${paths.join(', ')}`).toBeDefined();
      return found!;
    };
    for (const key of KEYS) {
      const expected = key.name === 'stripe-live' ? ROTATED : key.value;
      expect(keepassxc(['show', '-s', '-a', 'Password', kdbxPath, pathOf(key.name)], FILE_PASSWORD).trimEnd()).toBe(expected);
    }
    expect(keepassxc(['show', '-s', '-a', 'Password', kdbxPath, pathOf('untagged-note')], FILE_PASSWORD).trimEnd()).toBe('plain value, no tag');
    // The rotated key's first value is its entry's history (KeePassXC's XML export holds the history items).
    const xml = keepassxc(['export', '-q', '-f', 'xml', kdbxPath], FILE_PASSWORD);
    const stripe = xml.slice(xml.lastIndexOf('<Entry>', xml.indexOf('<Value>stripe-live</Value>')));
    const history = stripe.slice(stripe.indexOf('<History>'), stripe.indexOf('</History>'));
    expect(history).toContain('sk_live_FirstValue_1a2b');
    expect(history).not.toContain(ROTATED);
    // A wrong password does not open it.
    expect(() => keepassxc(['ls', kdbxPath], 'not the file password')).toThrow();

    // ── .env: the keys with the tag "prod", after a warning that the file holds the values in plain text.
    await page.getByRole('button', { name: 'Backups', exact: true }).click();
    await page.getByRole('button', { name: 'Export .env', exact: true }).click();
    const envDialog = page.getByRole('dialog', { name: 'Export .env file' });
    await expectAccessible(page, 'export .env: which keys');
    await envDialog.getByRole('radio', { name: 'Keys with a tag', exact: true }).check();
    await envDialog.getByLabel('Tag', { exact: true }).selectOption('prod');
    await envDialog.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(envDialog.getByRole('status')).toHaveText('2 keys to export.');
    await expect(envDialog.getByText(/hold the values of 2 keys in plain text/)).toBeVisible();
    await expect(envDialog.getByRole('button', { name: 'Cancel', exact: true })).toBeFocused();
    await expectAccessible(page, 'export .env: confirm');
    const [envDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
      envDialog.getByRole('button', { name: 'Export .env file', exact: true }).click(),
    ]);
    expect(envDownload.suggestedFilename()).toMatch(/^keyward-\d{8}-\d{6}\.env$/);
    const envPath = join(dir, envDownload.suggestedFilename());
    await envDownload.saveAs(envPath);
    await expect(envDialog).toHaveCount(0);
    const parsed = parseDotenv(await readFile(envPath, 'utf8'));
    expect(Object.values(parsed).sort()).toEqual([KEYS[1].value, ROTATED].sort());
    expect(parsed['DATABASE_URL']).toBe(KEYS[1].value);

    // ── .env of the keys the search shows: a value with quotes, a $ and a # comes back exactly.
    await page.getByLabel('Search', { exact: true }).fill('github');
    await expect(keyInList(page, 'stripe-live')).toHaveCount(0);
    await page.getByRole('button', { name: 'Export .env', exact: true }).click();
    await envDialog.getByRole('radio', { name: 'The 1 key the search “github” shows', exact: true }).check();
    await envDialog.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(envDialog.getByRole('status')).toHaveText('1 key to export.');
    const [searchDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: KDF_TIMEOUT }),
      envDialog.getByRole('button', { name: 'Export .env file', exact: true }).click(),
    ]);
    const searchPath = join(dir, `search-${searchDownload.suggestedFilename()}`);
    await searchDownload.saveAs(searchPath);
    expect(parseDotenv(await readFile(searchPath, 'utf8'))).toEqual({ GITHUB_TOKEN: KEYS[2].value });

    // ── The three exports are in the audit log, as one entry each.
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    await expect(page.getByRole('table', { name: 'Entries per action' }).getByRole('row', { name: 'Keys exported in plain text 3', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  });
});
