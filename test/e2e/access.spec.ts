// Access control end to end (issue #6): the owner adds a member with a one-time password, grants them a key, the
// member signs in, must choose their own password, uses the key; the owner revokes, and the key is gone for them.
// Also: a member is not offered the admin views, and removing the last admin is refused in the UI with the reason.
import type { Page } from '@playwright/test';
import { addKey, createVault, expect, KDF_TIMEOUT, keyDetail, keyInList, OWNER, PASSWORD, revealValue, test } from './fixtures';

const MEMBER = 'Bob Builder';
const ONE_TIME = 'Temporary-Gate-4471-orchid';
const OWN = 'Copper-Meadow-Falcon-2290-river';
const KEY = { name: 'shared-api-token', value: 'tok_live_Qx81-shared-value' };

/** "Switch user", then unlock as `name` with `password` (the picker is a select named "User"). */
async function signInAs(page: Page, name: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Switch user', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  await page.getByLabel('User', { exact: true }).selectOption({ label: name });
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

function nav(page: Page) {
  return page.getByRole('navigation', { name: 'Vault' });
}

test('a key granted to a second user is theirs to use until it is revoked', async ({ page }) => {
  // Seven password derivations (create, add user, three unlocks, the password change's two) at ~0.5–1 s each.
  test.setTimeout(4 * KDF_TIMEOUT);
  await page.goto('/');
  await createVault(page);
  await expect(page.getByText(`Signed in as ${OWNER} (Owner)`)).toBeVisible();
  await addKey(page, KEY.name, KEY.value);

  // The owner adds a member with a one-time password.
  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Users & groups', level: 1 })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(MEMBER);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} was added as member` })).toBeVisible({ timeout: KDF_TIMEOUT });
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row', { name: new RegExp(MEMBER) })).toContainText('One-time password not yet changed');

  // The owner (here also the one signed in, and the only admin) is not offered "Remove" (issue #17): the row says why.
  const ownerRow = users.getByRole('row', { name: new RegExp(OWNER) });
  await expect(ownerRow).toContainText(`${OWNER} (you)`);
  await expect(ownerRow).toContainText('The owner stays with the vault.');
  await expect(ownerRow.getByRole('button')).toHaveCount(0);
  await expect(users.getByRole('button', { name: `Remove user ${MEMBER}`, exact: true })).toBeVisible();

  // On the key's Access panel, the owner grants "use" to the member.
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY.name).click();
  const detail = keyDetail(page, KEY.name);
  const access = detail.getByRole('region', { name: 'Access', exact: true });
  await access.getByLabel('User or group', { exact: true }).selectOption({ label: `${MEMBER} (Member)` });
  await access.getByLabel('Access level', { exact: true }).selectOption({ label: 'Use' });
  await access.getByRole('button', { name: 'Grant access', exact: true }).click();
  await expect(access.getByRole('status')).toHaveText(`Granted “Use” to ${MEMBER}: reveal, copy and export the value.`);
  const grants = access.getByRole('table', { name: `Who has access to ${KEY.name}` });
  await expect(grants.getByRole('row', { name: new RegExp(MEMBER) })).toContainText('Use');
  await expect(grants.getByRole('row', { name: new RegExp(OWNER) })).toContainText('Owner');

  // The member signs in with the one-time password and must choose their own before anything else.
  await signInAs(page, MEMBER, ONE_TIME);
  await expect(page.getByRole('heading', { name: 'Choose your own password' })).toBeVisible({ timeout: KDF_TIMEOUT });
  await expect(page.getByRole('navigation', { name: 'Vault' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Keys' })).toHaveCount(0);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByLabel('New password', { exact: true }).fill(OWN);
  await page.getByLabel('Confirm new password', { exact: true }).fill(OWN);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  await expect(page.getByText(`Signed in as ${MEMBER} (Member)`)).toBeVisible();

  // A member is offered neither the admin views nor the audit log.
  await expect(nav(page).getByRole('button', { name: 'Users & groups' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'Backups' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'Audit' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'New key', exact: true })).toBeVisible();

  // The granted key is theirs to use: the value matches. "Use" does not manage: no Access panel, no Edit.
  expect(await revealValue(page, KEY.name)).toBe(KEY.value);
  const theirs = keyDetail(page, KEY.name);
  await expect(theirs.getByRole('region', { name: 'Access', exact: true })).toHaveCount(0);
  await expect(theirs.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(theirs.getByRole('button', { name: 'Rotate now', exact: true })).toHaveCount(0);

  // The owner revokes; the pasted value cannot renew itself, so the page says to rotate with a new value.
  await signInAs(page, OWNER, PASSWORD);
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  // The member's sessions were offered nothing their role or grant refuses: no access.denied entry was written.
  await nav(page).getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByLabel('Action', { exact: true }).selectOption('key.grant');
  await expect(page.getByText('Showing 1–1 of 1, newest first')).toBeVisible();
  await page.getByLabel('Action', { exact: true }).selectOption('access.denied');
  await expect(page.getByText('No entries match.')).toBeVisible();
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY.name).click();
  const ownerAccess = keyDetail(page, KEY.name).getByRole('region', { name: 'Access', exact: true });
  // The owner's own row offers no Revoke (the vault would refuse it) and says why.
  const ownRow = ownerAccess.getByRole('row').filter({ hasText: '(you)' });
  await expect(ownRow).toContainText('Your own grant: another manager of this key can change it.');
  await expect(ownRow.getByRole('button')).toHaveCount(0);
  await ownerAccess.getByRole('button', { name: `Revoke access of ${MEMBER}`, exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Confirm revoke' });
  await expect(confirm).toContainText('new data key');
  await expect(confirm.getByLabel(/Do not re-key or rotate/)).not.toBeChecked();
  await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  await expect(ownerAccess.getByRole('status')).toContainText(`Access of ${MEMBER} revoked and the key re-keyed`);
  await expect(ownerAccess.getByRole('status')).toContainText('rotate it with a new value');
  await expect(ownerAccess.getByRole('table').getByRole('row', { name: new RegExp(MEMBER) })).toHaveCount(0);
  // The owner still reads the value through the new data key.
  expect(await revealValue(page, KEY.name)).toBe(KEY.value);

  // The member signs in again: the key is gone from their list.
  await signInAs(page, MEMBER, OWN);
  await expect(page.getByText(`Signed in as ${MEMBER} (Member)`)).toBeVisible({ timeout: KDF_TIMEOUT });
  await expect(page.getByRole('region', { name: 'Keys' })).toBeVisible();
  await expect(keyInList(page, KEY.name)).toHaveCount(0);
  await expect(page.getByText(KEY.value)).toHaveCount(0);
});

test('an auditor granted "view" sees the key without its value, and reads the log', async ({ page }) => {
  // Five password derivations (create, add user, unlock, the password change's two).
  test.setTimeout(3 * KDF_TIMEOUT);
  const AUDITOR = 'Ivy Auditor';
  await page.goto('/');
  await createVault(page);
  await addKey(page, KEY.name, KEY.value);

  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(AUDITOR);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Auditor' });
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${AUDITOR} was added as auditor` })).toBeVisible({ timeout: KDF_TIMEOUT });
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();

  // An auditor can be granted "View" only: it is the one level offered.
  await keyInList(page, KEY.name).click();
  const access = keyDetail(page, KEY.name).getByRole('region', { name: 'Access', exact: true });
  await access.getByLabel('User or group', { exact: true }).selectOption({ label: `${AUDITOR} (Auditor)` });
  await expect(access.getByLabel('Access level', { exact: true }).getByRole('option')).toHaveText(['View']);
  await access.getByRole('button', { name: 'Grant access', exact: true }).click();
  await expect(access.getByRole('status')).toHaveText(`Granted “View” to ${AUDITOR}: name and metadata only.`);

  await signInAs(page, AUDITOR, ONE_TIME);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME, { timeout: KDF_TIMEOUT });
  await page.getByLabel('New password', { exact: true }).fill(OWN);
  await page.getByLabel('Confirm new password', { exact: true }).fill(OWN);
  await page.getByRole('button', { name: 'Set password', exact: true }).click();
  await expect(page.getByText(`Signed in as ${AUDITOR} (Auditor)`)).toBeVisible({ timeout: KDF_TIMEOUT });

  await expect(nav(page).getByRole('button', { name: 'New key' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'Backups' })).toHaveCount(0);
  await expect(nav(page).getByRole('button', { name: 'Users & groups' })).toHaveCount(0);

  // Name and metadata, no value controls.
  await keyInList(page, KEY.name).click();
  const detail = keyDetail(page, KEY.name);
  await expect(detail).toContainText('Your access is “View”: name and metadata only.');
  for (const name of ['Reveal', 'Copy', 'Rotate now', 'Edit', 'Delete']) {
    await expect(detail.getByRole('button', { name, exact: true })).toHaveCount(0);
  }
  await expect(detail.getByRole('region', { name: 'Access', exact: true })).toHaveCount(0);
  await expect(detail.getByRole('region', { name: 'Rotation policy', exact: true })).toHaveCount(0);
  await expect(page.getByText(KEY.value)).toHaveCount(0);

  // The log is theirs to read, and nothing they were offered was refused.
  await nav(page).getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByLabel('Action', { exact: true }).selectOption('key.grant');
  await expect(page.getByText('Showing 1–1 of 1, newest first')).toBeVisible();
  await page.getByLabel('Action', { exact: true }).selectOption('access.denied');
  await expect(page.getByText('No entries match.')).toBeVisible();
});

test('groups: add with members, change members, a group holding a grant is not deleted until it is revoked', async ({ page }) => {
  // Two password derivations (create, add user); the group changes are ECDH only, but the machine may be busy.
  test.setTimeout(3 * KDF_TIMEOUT);
  await page.goto('/');
  await createVault(page);
  await addKey(page, KEY.name, KEY.value);

  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(MEMBER);
  await page.getByLabel('One-time password', { exact: true }).fill(ONE_TIME);
  await page.getByRole('button', { name: 'Add user', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} was added as member` })).toBeVisible({ timeout: KDF_TIMEOUT });

  // "Add group" with the member ticked; its creator is always a member. Members are listed by name.
  await page.getByLabel('Group name', { exact: true }).fill('security');
  await page.getByRole('checkbox', { name: MEMBER }).check();
  await page.getByRole('button', { name: 'Add group', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group security was created with 2 members' })).toBeVisible();
  const group = page.getByRole('region', { name: 'security', exact: true });
  await expect(group.getByRole('list', { name: 'Members of security' }).getByRole('listitem')).toHaveText([new RegExp(OWNER), new RegExp(MEMBER)]);
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row', { name: new RegExp(MEMBER) })).toContainText('security');

  // Remove the member, then add them back.
  await group.getByRole('button', { name: `Remove ${MEMBER} from security`, exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} was removed from security` })).toBeVisible();
  await expect(group.getByRole('list', { name: 'Members of security' }).getByRole('listitem')).toHaveCount(1);
  await group.getByLabel('User to add to security', { exact: true }).selectOption({ label: MEMBER });
  await group.getByRole('button', { name: 'Add member to security', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} was added to security` })).toBeVisible();
  await expect(group.getByRole('list', { name: 'Members of security' }).getByRole('listitem')).toHaveCount(2);

  // Grant the key to the group.
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY.name).click();
  const access = keyDetail(page, KEY.name).getByRole('region', { name: 'Access', exact: true });
  await access.getByLabel('User or group', { exact: true }).selectOption({ label: 'security (group)' });
  await access.getByLabel('Access level', { exact: true }).selectOption({ label: 'Rotate' });
  await access.getByRole('button', { name: 'Grant access', exact: true }).click();
  await expect(access.getByRole('table').getByRole('row', { name: /security/ })).toContainText('Rotate');

  // A member of a group holding key material cannot become an auditor: refused with the vault's reason, role unchanged.
  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  const role = page.getByLabel(`Role of ${MEMBER}`, { exact: true });
  await role.selectOption({ label: 'Auditor' });
  await expect(page.getByRole('alert')).toHaveText(
    `The role of ${MEMBER} was not changed: An auditor sees no key material: remove them from groups holding keys above "view" first.`,
  );
  await expect(role).toHaveValue('member');
  await role.selectOption({ label: 'Admin' });
  await expect(page.getByRole('status').filter({ hasText: `${MEMBER} is now admin.` })).toBeVisible();
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY.name).click();

  // While the group holds the grant, it is not deleted: the vault's reason shows in the dialog.
  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByRole('button', { name: 'Delete group security', exact: true }).click();
  const confirmDelete = page.getByRole('dialog', { name: 'Confirm delete group' });
  await confirmDelete.getByRole('button', { name: 'Delete group', exact: true }).click();
  await expect(confirmDelete.getByRole('alert')).toHaveText('This group holds 1 grant(s): revoke them first.');
  await confirmDelete.getByRole('button', { name: 'Cancel', exact: true }).click();

  // Revoke the group's grant (without re-keying, to show the choice), then the group goes.
  await page.getByRole('button', { name: 'Back to keys', exact: true }).click();
  await keyInList(page, KEY.name).click();
  await access.getByRole('button', { name: 'Revoke access of security', exact: true }).click();
  const confirmRevoke = page.getByRole('dialog', { name: 'Confirm revoke' });
  await confirmRevoke.getByLabel(/Do not re-key or rotate/).check();
  await confirmRevoke.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(access.getByRole('status')).toContainText('Access of security revoked. The key was not re-keyed or rotated');
  await nav(page).getByRole('button', { name: 'Users & groups', exact: true }).click();
  await page.getByRole('button', { name: 'Delete group security', exact: true }).click();
  await page.getByRole('dialog', { name: 'Confirm delete group' }).getByRole('button', { name: 'Delete group', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group security was deleted.' })).toBeVisible();
  await expect(page.getByText('No groups yet.')).toBeVisible();
});
