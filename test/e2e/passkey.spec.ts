// Passkey unlock (issue #18) in real Chromium, through the DevTools protocol's WebAuthn domain: a virtual CTAP2
// authenticator with PRF adds a passkey in Settings, unlocks offline, is removed and then no longer unlocks; an
// authenticator without PRF is refused with the message and nothing is stored.
import type { CDPSession, Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { addKey, createVault, expect, KDF_TIMEOUT, PASSWORD, revealValue, test, unlockAndWait } from './fixtures';

const NO_PRF = 'This passkey or security key cannot unlock Keyward: it does not support the PRF extension.';

async function virtualAuthenticator(page: Page, hasPrf: boolean): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf },
  });
  return { cdp, authenticatorId };
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function addPasskey(page: Page, name: string): Promise<ReturnType<Page['getByRole']>> {
  const settings = await openSettings(page);
  const section = settings.getByRole('region', { name: 'Passkeys' });
  await section.getByLabel('Passkey name', { exact: true }).fill(name);
  await section.getByLabel('Your password, to add a passkey', { exact: true }).fill(PASSWORD);
  await section.getByRole('button', { name: 'Add passkey', exact: true }).click();
  return section;
}

async function lock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
}

test('a passkey with PRF is added in Settings, unlocks offline, and once removed no longer unlocks', async ({ page, context }) => {
  const secret = { name: 'stripe-live', value: 'sk_live_passkey_Qm81' };
  await page.goto('/');
  await createVault(page);
  await addKey(page, secret.name, secret.value);
  const { cdp, authenticatorId } = await virtualAuthenticator(page, true);

  const section = await addPasskey(page, 'Test security key');
  await expect(section.getByRole('status')).toContainText('Passkey "Test security key" added', { timeout: KDF_TIMEOUT });
  const list = section.getByRole('list', { name: 'Your passkeys' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Test security key');
  await expect(list.getByRole('listitem')).toContainText('never used');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.rpId).toBe('localhost');
  await expectAccessible(page, 'settings dialog with a passkey');
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close', exact: true }).click();

  // Locked and offline: the passkey opens the vault with no network at all.
  await lock(page);
  await expect(page.getByRole('button', { name: 'Unlock with passkey', exact: true })).toBeVisible();
  await expectAccessible(page, 'unlock screen with a passkey');
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Unlock with passkey', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  expect(await revealValue(page, secret.name)).toBe(secret.value);
  const settings = await openSettings(page);
  await expect(settings.getByRole('region', { name: 'Passkeys' }).getByRole('listitem')).toContainText('last used');
  await settings.getByRole('button', { name: 'Close', exact: true }).click();

  // A second tab stays on the unlock screen, its passkey button ready, while the first removes the passkey.
  await lock(page);
  await expect(page.getByRole('button', { name: 'Unlock with passkey', exact: true })).toBeVisible();
  const other = await context.newPage();
  await other.goto('/');
  await unlockAndWait(other);
  const otherSettings = await openSettings(other);
  const otherSection = otherSettings.getByRole('region', { name: 'Passkeys' });
  await otherSection.getByRole('button', { name: 'Remove passkey Test security key', exact: true }).click();
  await expect(otherSection.getByRole('status')).toContainText('Passkey "Test security key" removed');
  await expect(otherSection.getByText('No passkeys yet.')).toBeVisible();
  await other.close();

  // The first tab's button still offers it, and the authenticator still holds the credential and answers, but the
  // vault has no slot for it any more: refused like a wrong password.
  await page.getByRole('button', { name: 'Unlock with passkey', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('That passkey does not unlock this vault. Use your password, or another passkey.', { timeout: KDF_TIMEOUT });
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toHaveCount(0);
  // Read afresh, the unlock screen offers no passkey at all.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Unlock with passkey', exact: true })).toHaveCount(0);
  // The password stays the way back.
  await unlockAndWait(page);
  expect(await revealValue(page, secret.name)).toBe(secret.value);
});

test('an authenticator without PRF is refused with the message, and nothing is stored', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page, false);
  const section = await addPasskey(page, 'Old security key');
  await expect(section.getByRole('alert')).toHaveText(NO_PRF, { timeout: KDF_TIMEOUT });
  await expect(section.getByText('No passkeys yet.')).toBeVisible();
  // The browser made a credential on the authenticator, but Keyward stored no slot for it.
  expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length).toBeLessThanOrEqual(1);
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close', exact: true }).click();
  await lock(page);
  await expect(page.getByRole('button', { name: 'Unlock with passkey', exact: true })).toHaveCount(0);
});
