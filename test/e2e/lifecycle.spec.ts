// Key lifecycle, as a person does it: a generated key pair exported, rotated (the old version still exports),
// scheduled for destruction and saved from it; a pasted secret marked compromised, overdue, rotated back to active.
import { addKey, createVault, expect, keyDetail, keyInList, test } from './fixtures';
import type { Page } from '@playwright/test';

const PEM_PUBLIC = /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n?$/;

/** The row of one version in the key page's "Versions" table. */
function versionRow(page: Page, name: string, version: number) {
  return keyDetail(page, name)
    .getByRole('table', { name: 'Versions' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: String(version), exact: true }) });
}

/** The key page's status badges (state, due, pending destruction). */
function statusBadges(page: Page, name: string) {
  return keyDetail(page, name).getByRole('list', { name: 'Status' });
}

test('a generated ECDSA key pair: export, rotate, old version still exports, destruction scheduled and cancelled', async ({ page }) => {
  const name = 'release-signing';

  await page.goto('/');
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Type', { exact: true }).selectOption({ label: 'ECDSA P-256' });
  // A typed key has no value field: WebCrypto makes it on save.
  await expect(page.getByLabel('Value', { exact: true })).toHaveCount(0);
  await page.getByRole('radio', { name: 'Generate', exact: true }).check();
  await expect(page.getByLabel('Rotation period', { exact: true })).toHaveValue('90');
  await expect(page.getByLabel('Rotate automatically', { exact: true })).toBeEnabled();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, name)).toBeVisible();

  const detail = keyDetail(page, name);
  await expect(detail).toBeVisible();
  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Active']);
  await expect(detail.getByText('ECDSA P-256 key pair', { exact: true })).toBeVisible();

  // Export the public key (PEM is the default format).
  await detail.getByRole('button', { name: 'Export public key', exact: true }).click();
  const publicPem = detail.locator('pre').filter({ hasText: 'BEGIN PUBLIC KEY' });
  await expect(publicPem).toBeVisible();
  const v1Pem = (await publicPem.textContent()) ?? '';
  expect(v1Pem).toMatch(PEM_PUBLIC);
  // No private part is in the page until it is revealed.
  await expect(page.getByText('BEGIN PRIVATE KEY')).toHaveCount(0);

  // Rotate now: a generated key only asks for confirmation.
  await detail.getByRole('button', { name: 'Rotate now', exact: true }).click();
  const rotate = page.getByRole('dialog', { name: `Rotate ${name}` });
  await expect(rotate).toBeVisible();
  await expect(rotate.getByRole('textbox')).toHaveCount(0);
  await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
  await expect(rotate).toHaveCount(0);

  await expect(versionRow(page, name, 2)).toContainText('Current');
  await expect(versionRow(page, name, 1)).toContainText('Usable');
  await expect(versionRow(page, name, 1)).toContainText('Generated');
  // What was shown belonged to version 1 as "current": it is taken off the page on rotation.
  await expect(page.getByText('BEGIN PUBLIC KEY')).toHaveCount(0);

  // The current public key is a new one…
  await detail.getByRole('button', { name: 'Export public key', exact: true }).click();
  await expect(publicPem).toBeVisible();
  const v2Pem = (await publicPem.textContent()) ?? '';
  expect(v2Pem).toMatch(PEM_PUBLIC);
  expect(v2Pem).not.toBe(v1Pem);

  // …and version 1 still exports, as it was.
  await detail.getByLabel('Version', { exact: true }).selectOption({ label: 'Version 1' });
  await detail.getByRole('button', { name: 'Export public key', exact: true }).click();
  await expect(detail.getByRole('heading', { name: /Public key, version 1/ })).toBeVisible();
  await expect(publicPem).toHaveText(v1Pem);

  // JWK works too.
  await detail.getByLabel('Export format', { exact: true }).selectOption({ label: 'JWK' });
  await detail.getByRole('button', { name: 'Export public key', exact: true }).click();
  const jwk = detail.locator('pre').filter({ hasText: '"kty"' });
  await expect(jwk).toBeVisible();
  const parsed = JSON.parse((await jwk.textContent()) ?? '') as Record<string, unknown>;
  expect(parsed).toMatchObject({ kty: 'EC', crv: 'P-256' });
  expect(parsed).not.toHaveProperty('d');

  // Schedule destruction with the shortest wait.
  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  const schedule = page.getByRole('dialog', { name: 'Schedule destruction' });
  await expect(schedule).toBeVisible();
  const wait = schedule.getByLabel('Waiting period (days)', { exact: true });
  await expect(wait).toHaveValue('30');
  await wait.fill('7');
  await schedule.getByRole('button', { name: 'Schedule destruction', exact: true }).click();
  await expect(schedule).toHaveCount(0);

  const expected = await page.evaluate(() => new Date(Date.now() + 7 * 86_400_000).toLocaleDateString());
  await expect(detail.getByText(/^Destroys on /)).toContainText(expected);
  await expect(statusBadges(page, name)).toContainText('Destruction scheduled');
  await expect(detail.getByRole('button', { name: 'Rotate now', exact: true })).toBeDisabled();
  await expect(detail.getByRole('button', { name: 'Reveal private key', exact: true })).toBeDisabled();
  await expect(detail.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);

  // Cancel: usable again.
  await detail.getByRole('button', { name: 'Cancel destruction', exact: true }).click();
  await expect(detail.getByText(/^Destroys on /)).toHaveCount(0);
  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Active']);
  await expect(detail.getByRole('button', { name: 'Rotate now', exact: true })).toBeEnabled();
  await expect(detail.getByRole('button', { name: 'Delete', exact: true })).toBeVisible();

  // The private key is shown only on request, and taken off the page again by Hide.
  await detail.getByLabel('Export format', { exact: true }).selectOption({ label: 'PEM' });
  await detail.getByRole('button', { name: 'Reveal private key', exact: true }).click();
  await expect(detail.locator('pre').filter({ hasText: 'BEGIN PRIVATE KEY' })).toBeVisible();
  await detail.getByRole('button', { name: 'Hide private key', exact: true }).click();
  await expect(page.getByText('BEGIN PRIVATE KEY')).toHaveCount(0);

  // The history names the person for their own actions.
  const history = detail.getByRole('region', { name: 'History' });
  await expect(history).toContainText('Rotated to version 2');
  await expect(history).toContainText('Destruction scheduled');
  await expect(history).toContainText('Destruction cancelled');
  await expect(history).toContainText('by Ada Lovelace');
});

test('a pasted secret marked compromised is overdue until rotated with a new value; the old value stays readable', async ({ page }) => {
  const name = 'payments-api-key';
  const oldValue = 'sk_live_old_9f8e7d6c5b4a';
  const newValue = 'sk_live_new_1a2b3c4d5e6f';

  await page.goto('/');
  await createVault(page);
  await addKey(page, name, oldValue);
  await keyInList(page, name).click();

  const detail = keyDetail(page, name);
  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Active']);
  // Only legal transitions are offered.
  const stateGroup = detail.getByRole('group', { name: 'Change state' });
  await expect(stateGroup.getByRole('button')).toHaveText(['Suspend', 'Deactivate', 'Mark compromised']);

  // A reason is required.
  await stateGroup.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  const compromise = page.getByRole('dialog', { name: 'Mark compromised' });
  await expect(compromise).toBeVisible();
  await compromise.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  await expect(compromise.getByText('Say why the key is compromised.')).toBeVisible();
  await compromise.getByLabel('Reason', { exact: true }).fill('Leaked in a public CI log');
  await compromise.getByRole('button', { name: 'Mark compromised', exact: true }).click();
  await expect(compromise).toHaveCount(0);

  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Compromised', 'Overdue']);
  await expect(detail).toContainText('Leaked in a public CI log');
  await expect(versionRow(page, name, 1)).toContainText('Yes');
  // No way back but a rotation.
  await expect(detail.getByRole('group', { name: 'Change state' })).toHaveCount(0);

  // The overview and the due view show it too.
  await expect(page.getByRole('list', { name: 'Keys by state' })).toContainText('Compromised 1');
  await page.getByRole('button', { name: 'Due for rotation', exact: true }).click();
  await expect(keyInList(page, name)).toContainText('Overdue');
  await page.getByRole('button', { name: 'All keys', exact: true }).click();

  // Rotate now asks for the new value from the provider.
  await detail.getByRole('button', { name: 'Rotate now', exact: true }).click();
  const rotate = page.getByRole('dialog', { name: `Rotate ${name}` });
  await rotate.getByLabel('New value', { exact: true }).fill(newValue);
  await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
  await expect(rotate).toHaveCount(0);

  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Active']);
  await expect(versionRow(page, name, 2)).toContainText('Current');
  await expect(versionRow(page, name, 1)).toContainText('Usable');

  // The current value is the new one; version 1 is revealed from its row.
  await detail.getByRole('button', { name: 'Reveal', exact: true }).click();
  await expect(detail.getByRole('code')).toHaveText(newValue);
  await versionRow(page, name, 1).getByRole('button', { name: 'Reveal version 1', exact: true }).click();
  await expect(detail.getByRole('code')).toHaveText(oldValue);
  await expect(page.getByText(newValue)).toHaveCount(0);
  await versionRow(page, name, 1).getByRole('button', { name: 'Hide version 1', exact: true }).click();
  await expect(page.getByText(oldValue)).toHaveCount(0);

  const history = detail.getByRole('region', { name: 'History' });
  await expect(history).toContainText('Active → Compromised');
  await expect(history).toContainText('Compromised → Active');
  await expect(history).toContainText('Leaked in a public CI log');
});

test('scheduled work while open: a generated secret rotates by itself when due, a scheduled destruction runs, the record is removed', async ({ page }) => {
  const name = 'nightly-export-token';
  const DAY = 86_400_000;
  // Time runs as usual; setSystemTime jumps the date and runFor fires the minute timer, without waiting a day.
  await page.clock.install();

  await page.goto('/');
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  const auto = page.getByLabel('Rotate automatically', { exact: true });
  // Only a generated value can rotate by itself.
  await expect(auto).toBeDisabled();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(auto).toBeEnabled();
  await page.getByLabel('Rotation period', { exact: true }).selectOption({ label: 'Custom…' });
  await page.getByLabel('Custom period (days)', { exact: true }).fill('1');
  await auto.check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  const detail = keyDetail(page, name);
  await expect(detail).toBeVisible();
  await expect(detail).toContainText('Every day, automatic');
  // Due within 14 days: "Due soon", and listed in the due view.
  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Active', 'Due soon']);
  await page.getByRole('button', { name: 'Due for rotation', exact: true }).click();
  await expect(keyInList(page, name)).toBeVisible();
  await page.getByRole('button', { name: 'All keys', exact: true }).click();

  const jumpAndRunDueWork = async (ms: number) => {
    const now = await page.evaluate(() => Date.now());
    await page.clock.setSystemTime(now + ms);
    // Activity, so that the jump does not count as idle time for auto-lock.
    await page.getByRole('heading', { name: 'Keys', exact: true }).click();
    await page.clock.runFor(61_000);
  };

  await jumpAndRunDueWork(DAY + 3_600_000);
  await expect(page.getByRole('status').filter({ hasText: 'Rotated automatically' })).toHaveText(`Rotated automatically: ${name}.`);
  await expect(versionRow(page, name, 2)).toContainText('Current');
  await expect(versionRow(page, name, 2)).toContainText('Generated');
  await expect(versionRow(page, name, 1)).toContainText('Usable');

  await detail.getByRole('button', { name: 'Delete', exact: true }).click();
  const schedule = page.getByRole('dialog', { name: 'Schedule destruction' });
  await schedule.getByLabel('Waiting period (days)', { exact: true }).fill('7');
  await schedule.getByRole('button', { name: 'Schedule destruction', exact: true }).click();
  await expect(detail.getByText(/^Destroys on /)).toBeVisible();

  await jumpAndRunDueWork(8 * DAY);
  await expect(page.getByRole('status').filter({ hasText: 'Destroyed as scheduled' })).toHaveText(`Destroyed as scheduled: ${name}.`);
  await expect(statusBadges(page, name).getByRole('listitem')).toHaveText(['Destroyed']);
  await expect(versionRow(page, name, 1)).toContainText('Destroyed');
  await expect(versionRow(page, name, 2)).toContainText('Destroyed');
  await expect(detail.getByRole('button', { name: 'Rotate now', exact: true })).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Keys by state' })).toContainText('Destroyed 1');

  await detail.getByRole('button', { name: 'Remove record', exact: true }).click();
  await page.getByRole('dialog', { name: 'Confirm remove record' }).getByRole('button', { name: 'Remove record', exact: true }).click();
  await expect(keyInList(page, name)).toHaveCount(0);
});
