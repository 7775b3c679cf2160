// The Audit screen, as a person uses it: what happened is counted and listed, filters narrow it, "Verify log" checks
// the chain, and the JSON export verifies offline (with the same code `npm run verify-audit` runs) under the
// fingerprint the page's help note shows. A log changed behind Keyward's back is reported at the next unlock. People
// read it (issue #17): names instead of ids (for an auditor too), actions in words, the client said once, and figures
// that do not count the reading itself while it goes on.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { verifyExport } from '../../src/vault/audit-export';
import { addKey, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, OWNER, revealValue, test, unlock, unlockAndWait } from './fixtures';

/** A figure of the report's summary, by its label ("Total entries", "Failed"…). */
function figure(page: Page, label: string) {
  return page
    .getByRole('term')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

async function signInAs(page: Page, name: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Switch user', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await page.getByLabel('User', { exact: true }).selectOption({ label: name });
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

function entryRows(page: Page) {
  return page.getByRole('table', { name: 'Matching entries' }).locator('tbody').getByRole('row');
}

const FINGERPRINT = /^Export signing key fingerprint: ((?:[0-9a-f]{4} ){15}[0-9a-f]{4})$/;

/** Opens the help note on checking an export (closed at first) and returns its fingerprint line. */
async function openHelp(page: Page) {
  const line = page.getByText(/^Export signing key fingerprint:/);
  await expect(line).toBeHidden();
  await page.getByText('How to check an export outside the app', { exact: true }).click();
  await expect(line).toBeVisible();
  return line;
}

test('counts, filters, verifies and exports the log', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const name = 'payments-api-token';
  const value = 'tok_live_9QxV2mRr7Lk3';

  await page.goto('/');
  await createVault(page);
  await addKey(page, name, value);
  expect(await revealValue(page, name)).toBe(value);
  await keyDetail(page, name).getByRole('button', { name: 'Hide', exact: true }).click();
  expect(await revealValue(page, name)).toBe(value);

  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await unlock(page, 'not-the-right-password-at-all');
  await expect(page.getByRole('alert')).toHaveText('That password does not open this vault.', { timeout: KDF_TIMEOUT });
  await unlockAndWait(page);

  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeFocused();
  // vault.create, key.create, two reveals, lock, the failed unlock (folded in at unlock) and the unlock.
  await expect(figure(page, 'Total entries')).toHaveText(/^\d+$/);
  expect(Number(await figure(page, 'Total entries').textContent())).toBeGreaterThanOrEqual(6);
  await expect(figure(page, 'Failed')).toHaveText('1');
  await expect(figure(page, 'Denied')).toHaveText('0');
  await expect(figure(page, 'Unique users')).toHaveText('1');
  await expect(page.getByRole('table', { name: 'Entries per action' }).getByRole('row', { name: 'Value revealed 2', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Most-used keys' }).getByRole('listitem')).toHaveText([new RegExp(`^${name}\\s+3$`)]);
  await expect(page.getByRole('img', { name: /^Activity per day \(UTC\): \d+ entries on / })).toBeVisible();
  await expect(entryRows(page).filter({ hasText: 'Unlock failed' })).toContainText('Failed');

  await page.getByLabel('Action', { exact: true }).selectOption('key.reveal');
  await expect(figure(page, 'Total entries')).toHaveText('2');
  await expect(entryRows(page)).toHaveCount(2);
  for (const row of await entryRows(page).all()) {
    await expect(row).toContainText('Value revealed');
    await expect(row).toContainText(name);
    await expect(row).toContainText('OK');
  }
  await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText(/^Log intact: \d+ entries verified$/);
  // The check is logged, but the filter still shows the reveals only.
  await expect(entryRows(page)).toHaveCount(2);

  const fingerprintLine = await openHelp(page);
  await expect(fingerprintLine).toHaveText(FINGERPRINT);
  const shownFingerprint = FINGERPRINT.exec((await fingerprintLine.textContent()) ?? '')![1];

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON', exact: true }).click()]);
  expect(jsonDownload.suggestedFilename()).toMatch(/^keyward-audit-\d{8}-\d{6}\.json$/);
  const jsonPath = testInfo.outputPath('audit.json');
  await jsonDownload.saveAs(jsonPath);
  const exported = JSON.parse(await readFile(jsonPath, 'utf8')) as { entries: { action: string; keyName: string }[] };
  const verdict = await verifyExport(exported);
  expect(verdict).toEqual({ ok: true, count: 2, fingerprint: shownFingerprint });
  expect(exported.entries.map((e) => [e.action, e.keyName])).toEqual([
    ['key.reveal', name],
    ['key.reveal', name],
  ]);
  // The value itself is never in an export.
  expect(JSON.stringify(exported)).not.toContain(value);
  await expect(page.getByRole('status').filter({ hasText: 'Exported 2 entries' })).toBeVisible();

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV', exact: true }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
  const csvPath = testInfo.outputPath('audit.csv');
  await csvDownload.saveAs(csvPath);
  const lines = (await readFile(csvPath, 'utf8')).trimEnd().split('\r\n');
  expect(lines[0]).toBe('seq,time,actor,actor_name,action,key_id,key_name,version,outcome,details');
  expect(lines).toHaveLength(3);
  for (const line of lines.slice(1)) {
    expect(line).toContain(',key.reveal,');
    expect(line).toContain(`,${name},1,ok,`);
  }

  // Back to keys, and the filter is kept for the next visit.
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Keys', exact: true })).toBeFocused();
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue('key.reveal');
  await page.getByRole('button', { name: 'Clear filters', exact: true }).click();
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue('');
  // The verification and both exports are in the log too.
  await page.getByLabel('Action', { exact: true }).selectOption('audit.export');
  await expect(entryRows(page)).toHaveCount(2);
  await expect(entryRows(page).first()).toContainText('format: csv');
});

test('people read it: names not ids, actions in words, the client once, a help note, figures that hold still', async ({ page }, testInfo) => {
  // Five password derivations (create, add user, the auditor's unlock and password change, and more on a busy machine).
  test.setTimeout(4 * KDF_TIMEOUT);
  const KEY = 'payments-api-token';
  const AUDITOR = 'Ivy Auditor';
  const ONE_TIME = 'Temp-Pass-4471-harbor';
  const OWN = 'Ivy-Own-Pass-9924-meadow';
  await page.goto('/');
  await createVault(page);
  await addKey(page, KEY, 'tok_live_9QxV2mRr7Lk3');
  const nav = page.getByRole('navigation', { name: 'Vault' });
  await nav.getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(AUDITOR);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Auditor' });
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${AUDITOR} was added as auditor` })).toBeVisible({ timeout: KDF_TIMEOUT });
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY).click();
  const access = keyDetail(page, KEY).getByRole('region', { name: 'Access', exact: true });
  await access.getByLabel('User or group', { exact: true }).selectOption({ label: `${AUDITOR} (Auditor)` });
  await access.getByRole('button', { name: 'Grant access', exact: true }).click();
  await expect(access.getByRole('status')).toContainText(AUDITOR);

  await nav.getByRole('button', { name: 'Audit', exact: true }).click();
  const table = page.getByRole('table', { name: 'Matching entries' });
  const grantRow = entryRows(page).filter({ hasText: 'Access granted' });
  // Who was granted and who was added, by name; who did it, by name.
  await expect(grantRow).toContainText(`to: ${AUDITOR}`);
  await expect(grantRow).toContainText(OWNER);
  await expect(entryRows(page).filter({ hasText: 'User added' })).toContainText(`user: ${AUDITOR}`);
  // No action code and no id anywhere a person reads: not in the entries, not in the counts per action.
  for (const shown of [await table.innerText(), await page.getByRole('table', { name: 'Entries per action' }).innerText()]) {
    expect(shown).not.toMatch(/\b[a-z]+\.[a-z.]+\b/);
    expect(shown).not.toMatch(/[A-Za-z0-9_-]{20,}/);
  }
  await expect(page.getByRole('table', { name: 'Entries per action' }).getByRole('row', { name: 'Access granted 1', exact: true })).toBeVisible();
  // The client is said once for the page, not on every row; a row's "More" has it, with the action's code and the ids.
  const clientNote = page.getByText(/^All entries on this page were made in .+\.$/);
  await expect(clientNote).toBeVisible();
  const client = /made in (.+)\.$/.exec((await clientNote.textContent()) ?? '')![1]!;
  expect(await table.innerText()).not.toContain(client);
  await grantRow.getByText('More', { exact: true }).click();
  await expect(grantRow.getByRole('definition').filter({ hasText: client })).toBeVisible();
  await expect(grantRow.getByText('key.grant', { exact: true })).toBeVisible();
  // The command line is in a help note, closed at first.
  await expect(page.getByText(/npm run verify-audit/)).toBeHidden();
  const fingerprintLine = await openHelp(page);
  await expect(page.getByText('npm run verify-audit -- FILE', { exact: true })).toBeVisible();
  const shownFingerprint = FINGERPRINT.exec((await fingerprintLine.textContent()) ?? '')![1];

  // Reading does not move the figures: the check and the export are logged, counted when the person asks.
  const total = Number(await figure(page, 'Total entries').textContent());
  expect(total).toBeGreaterThanOrEqual(4);
  const showing = page.getByText(`Showing 1–${total} of ${total}, newest first`, { exact: true });
  await expect(showing).toBeVisible();
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText(`Log intact: ${total} entries verified`);
  await expect(page.getByText(/^Not counted above: 1 entry your own “Verify log” and exports wrote/)).toBeVisible();
  await expect(figure(page, 'Total entries')).toHaveText(String(total));
  await expect(showing).toBeVisible();
  await expect(entryRows(page)).toHaveCount(total);
  await expect(page.getByRole('table', { name: 'Entries per action' }).getByRole('row', { name: /^Audit log verified/ })).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON', exact: true }).click()]);
  const path = testInfo.outputPath('people.json');
  await download.saveAs(path);
  // The export holds everything that matched, this visit's check included; the screen still holds still.
  expect(await verifyExport(JSON.parse(await readFile(path, 'utf8')))).toEqual({ ok: true, count: total + 1, fingerprint: shownFingerprint });
  await expect(page.getByText(/^Not counted above: 2 entries your own “Verify log” and exports wrote/)).toBeVisible();
  await expect(figure(page, 'Total entries')).toHaveText(String(total));
  await page.getByRole('button', { name: 'Count them', exact: true }).click();
  await expect(figure(page, 'Total entries')).toHaveText(String(total + 2));
  await expect(page.getByText(/^Not counted above/)).toHaveCount(0);
  await expect(entryRows(page).first()).toContainText('Audit log exported');
  await expect(entryRows(page).nth(1)).toContainText('Audit log verified');

  // An auditor (who may not list users) reads the same names, and reading writes no refusal.
  await signInAs(page, AUDITOR, ONE_TIME);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME, { timeout: KDF_TIMEOUT });
  await page.getByLabel('New password', { exact: true }).fill(OWN);
  await page.getByLabel('Confirm new password', { exact: true }).fill(OWN);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await expect(page.getByText(`Signed in as ${AUDITOR} (Auditor)`)).toBeVisible({ timeout: KDF_TIMEOUT });
  await nav.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(grantRow).toContainText(`to: ${AUDITOR}`);
  await expect(grantRow).toContainText(OWNER);
  await expect(entryRows(page).filter({ hasText: 'User added' })).toContainText(`user: ${AUDITOR}`);
  await expect(entryRows(page).filter({ hasText: 'Password changed' })).toContainText(AUDITOR);
  await expect(figure(page, 'Denied')).toHaveText('0');
  await page.getByLabel('User', { exact: true }).selectOption({ label: OWNER });
  await expect(grantRow).toBeVisible();
  await page.getByLabel('User', { exact: true }).selectOption({ label: AUDITOR });
  await expect(entryRows(page).filter({ hasText: 'Password changed' })).toHaveCount(1);
  await expect(grantRow).toHaveCount(0);
  expect(await table.innerText()).not.toMatch(/[A-Za-z0-9_-]{20,}/);

  // In a narrow window each entry is a block inside the window: nothing scrolls sideways, rows are still rows.
  await page.getByLabel('User', { exact: true }).selectOption('');
  await expect(entryRows(page).first()).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  const box = await table.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  for (const row of await entryRows(page).all()) {
    const rowBox = (await row.boundingBox())!;
    expect(rowBox.x + rowBox.width).toBeLessThanOrEqual(390);
  }
  await expect(grantRow.getByRole('cell')).toHaveCount(7);
});

test('date range, outcome and paging narrow the list', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'one', 'value-one-Xk2');
  // 55 reveals: two pages of entries.
  await page.getByRole('region', { name: 'Keys' }).getByRole('listitem').getByRole('button', { name: 'one' }).click();
  const detail = keyDetail(page, 'one');
  for (let i = 0; i < 55; i++) {
    await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
    await detail.getByRole('button', { name: 'Hide', exact: true }).click();
  }
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByLabel('Action', { exact: true }).selectOption('key.reveal');
  await expect(figure(page, 'Total entries')).toHaveText('55');
  await expect(page.getByText('Page 1 of 2', { exact: true })).toBeVisible();
  await expect(entryRows(page)).toHaveCount(50);
  await expect(page.getByRole('button', { name: 'Previous page', exact: true })).toBeDisabled();
  await page.getByRole('button', { name: 'Next page', exact: true }).click();
  await expect(page.getByText('Page 2 of 2', { exact: true })).toBeVisible();
  await expect(entryRows(page)).toHaveCount(5);
  await expect(page.getByRole('button', { name: 'Next page', exact: true })).toBeDisabled();

  // Today is inside From … To (To includes its whole day); tomorrow onwards matches nothing.
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  const tomorrow = await page.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await page.getByLabel('From', { exact: true }).fill(today);
  await page.getByLabel('To', { exact: true }).fill(today);
  await expect(figure(page, 'Total entries')).toHaveText('55');
  await expect(page.getByText('Page 1 of 2', { exact: true })).toBeVisible();
  await page.getByLabel('From', { exact: true }).fill(tomorrow);
  await expect(page.getByText('“To” must not be before “From”.')).toBeVisible();
  await page.getByLabel('To', { exact: true }).fill('');
  await expect(figure(page, 'Total entries')).toHaveText('0');
  await expect(page.getByText('No entries match.')).toBeVisible();

  await page.getByLabel('From', { exact: true }).fill('');
  await page.getByLabel('Action', { exact: true }).selectOption('');
  await page.getByLabel('Outcome', { exact: true }).selectOption('failed');
  await expect(figure(page, 'Total entries')).toHaveText('0');
  await page.getByLabel('Outcome', { exact: true }).selectOption('ok');
  await page.getByLabel('User', { exact: true }).selectOption({ label: 'Ada Lovelace' });
  await page.getByLabel('Key', { exact: true }).selectOption({ label: 'one' });
  // key.create and the 55 reveals.
  await expect(figure(page, 'Total entries')).toHaveText('56');
});

test('archive and trim: the signed archive is downloaded first, then trimmed on request, and the log still verifies', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const name = 'archived-key';
  await page.goto('/');
  await createVault(page);
  await addKey(page, name, 'value-Arc-41-plain');
  expect(await revealValue(page, name)).toBe('value-Arc-41-plain');
  await keyDetail(page, name).getByRole('button', { name: 'Hide', exact: true }).click();
  expect(await revealValue(page, name)).toBe('value-Arc-41-plain');

  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(figure(page, 'Total entries')).toHaveText(/^\d+$/);
  const before = Number(await figure(page, 'Total entries').textContent());
  expect(before).toBeGreaterThanOrEqual(4);
  const fingerprintLine = await openHelp(page);
  await expect(fingerprintLine).toHaveText(FINGERPRINT);
  const shownFingerprint = FINGERPRINT.exec((await fingerprintLine.textContent()) ?? '')![1];
  // Every entry so far was made today: "before tomorrow" takes all of them but the newest, which always stays.
  const tomorrow = await page.evaluate(() => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  const archived = before - 1;
  const archiveButton = page.getByRole('button', { name: 'Archive and trim', exact: true });
  const dialog = page.getByRole('dialog', { name: 'Archive and trim the audit log' });
  const dateField = dialog.getByLabel('Trim entries before', { exact: true });

  // Choosing a date and leaving changes nothing.
  await archiveButton.click();
  await expect(dateField).toBeFocused();
  await dateField.fill(tomorrow);
  await expect(dialog.getByRole('status')).toHaveText(new RegExp(`^${archived} entries \\(1–${archived}, .+\\) will be saved to an archive file, then removed from this log\\.$`));
  await expect(dialog.getByRole('button', { name: /^Trim / })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(archiveButton).toBeFocused();
  await expect(figure(page, 'Total entries')).toHaveText(String(before));

  // A date before every entry: nothing to archive, and nothing to press.
  await archiveButton.click();
  await dateField.fill('2001-01-01');
  await expect(dialog.getByRole('status')).toHaveText('No entry before that date can be trimmed. The newest entry always stays.');
  await dialog.getByRole('button', { name: 'Download archive', exact: true }).click();
  await expect(dateField).toBeFocused();
  await expect(dateField).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('No entry before that date can be trimmed. The newest entry always stays.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Trim / })).toHaveCount(0);

  // The archive first: downloaded, and only then the trim button appears.
  await dateField.fill(tomorrow);
  await expect(dialog.getByRole('status')).toContainText(`${archived} entries (1–${archived}`);
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download archive', exact: true }).click()]);
  expect(download.suggestedFilename()).toMatch(/^keyward-audit-archive-\d{8}-\d{6}\.json$/);
  const archivePath = testInfo.outputPath('archive.json');
  await download.saveAs(archivePath);
  const file = JSON.parse(await readFile(archivePath, 'utf8')) as { entries: { seq: number }[] };
  // What `npm run verify-audit` runs: the archive is signed by this vault and holds exactly entries 1…archived.
  expect(await verifyExport(file)).toEqual({ ok: true, count: archived, fingerprint: shownFingerprint });
  expect(file.entries.map((e) => e.seq)).toEqual(Array.from({ length: archived }, (_, i) => i + 1));
  await expect(dialog.getByText(`Archive of ${archived} entries downloaded as ${download.suggestedFilename()}.`)).toBeFocused();

  await dialog.getByRole('button', { name: `Trim ${archived} entries`, exact: true }).click();
  const done = `Trimmed ${archived} entries (1–${archived}); they are in ${download.suggestedFilename()}. A checkpoint entry keeps the log verifiable.`;
  await expect(dialog.getByRole('status')).toHaveText(done);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Trimmed' })).toHaveText(done);

  // The list shrank to the newest entry and the checkpoint, and the log verifies from the checkpoint.
  await expect(figure(page, 'Total entries')).toHaveText('2');
  await expect(entryRows(page)).toHaveCount(2);
  await expect(entryRows(page).first()).toContainText('Audit log archived and trimmed');
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log intact' })).toHaveText('Log intact: 2 entries verified');
  await expect(page.getByRole('alert')).toHaveCount(0);

  // And at the next unlock.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await unlockAndWait(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a log changed outside Keyward is reported at unlock', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'tampered-key', 'value-Zq81-plain');
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();

  // Someone with access to this browser's storage edits entry 2 (its outcome), without the chain key.
  const edited = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const open = indexedDB.open('keyward');
        open.onerror = () => resolve('open failed');
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('audit', 'readwrite');
          const store = tx.objectStore('audit');
          const get = store.get(2);
          get.onsuccess = () => {
            const row = get.result as { outcome: string };
            row.outcome = 'denied';
            store.put(row);
          };
          tx.oncomplete = () => {
            db.close();
            resolve('edited');
          };
          tx.onerror = () => resolve('write failed');
        };
      }),
  );
  expect(edited).toBe('edited');

  await unlockAndWait(page);
  await expect(page.getByRole('alert')).toHaveText('The audit log is broken at entry 2 — it was changed outside Keyward.');
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByRole('button', { name: 'Verify log', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Log broken' })).toHaveText('Log broken at entry 2 (modified)');
  // Still there on the keys view: it does not go away by itself.
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The audit log is broken at entry 2 — it was changed outside Keyward.');
});

test('a key row changed outside Keyward is left out of the list, and said at unlock (issue #14)', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'kept-key', 'value-kept-1');
  await addKey(page, 'forged-key', 'value-forged-2');
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();

  // Someone with this browser's storage flips a byte of one key's sealed metadata (no key of theirs opens it).
  const edited = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('keyward');
        open.onerror = () => resolve(-1);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('keys', 'readwrite');
          const store = tx.objectStore('keys');
          const all = store.getAll();
          all.onsuccess = () => {
            const rows = all.result as { createdAt: number; sealedMeta: Uint8Array }[];
            // The newer of the two: "forged-key".
            const row = rows.sort((a, b) => b.createdAt - a.createdAt)[0]!;
            const sealed = new Uint8Array(row.sealedMeta);
            sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
            row.sealedMeta = sealed;
            store.put(row);
          };
          tx.oncomplete = () => {
            db.close();
            resolve(1);
          };
          tx.onerror = () => resolve(-2);
        };
      }),
  );
  expect(edited).toBe(1);

  await unlockAndWait(page);
  await expect(page.getByRole('alert')).toHaveText(
    "1 key could not be read and is left out of the list: its rows in this browser's storage were changed or damaged outside Keyward. Restore it from a backup.",
  );
  await expect(keyInList(page, 'kept-key')).toBeVisible();
  await expect(keyInList(page, 'forged-key')).toHaveCount(0);
});
