// A person's first session: create a vault, add keys, reveal, lock, a wrong and a right password,
// copy to the clipboard, delete with confirmation.
import {
  APP_ORIGIN,
  addKey,
  createVault,
  expect,
  KDF_TIMEOUT,
  keyDetail,
  keyInList,
  revealValue,
  test,
  unlock,
  unlockAndWait,
} from './fixtures';

test('a generated key survives lock and unlock, and a wrong password is refused', async ({ page }) => {
  const name = 'github-deploy-token';

  await page.goto('/');
  await createVault(page);

  await page.getByRole('button', { name: 'New key', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  const valueField = page.getByLabel('Value', { exact: true });
  await expect(valueField).toHaveValue('');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(valueField).not.toHaveValue('');
  const generated = await valueField.inputValue();
  expect(generated.length).toBeGreaterThanOrEqual(16);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keyInList(page, name)).toBeVisible();

  expect(await revealValue(page, name)).toBe(generated);

  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  // Locking drops every value from the page.
  await expect(page.getByText(generated)).toHaveCount(0);
  await expect(keyInList(page, name)).toHaveCount(0);

  await unlock(page, 'not-the-right-password-at-all');
  await expect(page.getByRole('alert')).toHaveText('That password does not open this vault.', { timeout: KDF_TIMEOUT });
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toHaveCount(0);

  await unlockAndWait(page);
  await expect(keyInList(page, name)).toBeVisible();
  expect(await revealValue(page, name)).toBe(generated);

  // Hide takes the value off the page again.
  await keyDetail(page, name).getByRole('button', { name: 'Hide', exact: true }).click();
  await expect(page.getByText(generated)).toHaveCount(0);
});

test('copy puts the value on the clipboard, and delete asks, then schedules the destruction of the key', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_ORIGIN });
  const keep = { name: 'staging-db-password', value: 'pa55-staging-Ww8rT2' };
  const doomed = { name: 'old-webhook-secret', value: 'whsec_0ld_secret_Zx81' };

  await page.goto('/');
  await createVault(page);
  await addKey(page, keep.name, keep.value);
  await addKey(page, doomed.name, doomed.value);

  await keyInList(page, keep.name).click();
  await keyDetail(page, keep.name).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keep.value);

  // Cancel keeps the key as it was.
  await keyInList(page, doomed.name).click();
  const doomedDetail = keyDetail(page, doomed.name);
  await doomedDetail.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule destruction' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(doomedDetail.getByText(/^Destroys on /)).toHaveCount(0);

  // Confirm schedules its destruction: still listed, marked, and no longer revealed or copied.
  await doomedDetail.getByRole('button', { name: 'Delete', exact: true }).click();
  await dialog.getByLabel('Waiting period (days)', { exact: true }).fill('7');
  await dialog.getByRole('button', { name: 'Schedule destruction', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(doomedDetail.getByText(/^Destroys on /)).toBeVisible();
  await expect(keyInList(page, doomed.name)).toContainText('Destruction scheduled');
  await expect(doomedDetail.getByRole('button', { name: 'Reveal', exact: true })).toBeDisabled();
  await expect(keyInList(page, keep.name)).toBeVisible();

  // Locking clears what Keyward put on the clipboard.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('');

  await unlockAndWait(page);
  await expect(keyInList(page, keep.name)).toBeVisible();
  await expect(keyInList(page, doomed.name)).toContainText('Destruction scheduled');
});
