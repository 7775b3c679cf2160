// Owns the key list's seeded vault for the list's end-to-end tests (issue #17, item 1): a backup file made in Node with
// the app's vault layer, holding keys a person would have — long names that differ only at the end, several tags,
// a few states other than active and one key overdue for rotation — restored into the browser on first run.
import 'fake-indexeddb/auto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openVault, type KeyDump, type KeyState } from '../../src/vault';
import { utf8Encode } from '../../src/crypto';
import { expect, KDF_TIMEOUT, PASSWORD, unlockAndWait } from './fixtures';

export const LIST_BACKUP_PASSWORD = 'Copper-Meadow-Falcon-4471-ribbon';
const DAY = 86_400_000;

export interface SeedKey {
  name: string;
  tags: string[];
  state?: KeyState;
  /** Days since the last rotation (the policy is 90 days): over 90 makes the key overdue. */
  rotatedDaysAgo?: number;
}

/** Two dozen keys: two long names told apart only by their end, many tags on some, three states, one overdue. */
export const LIST_KEYS: readonly SeedKey[] = [
  { name: 'AWS access key – analytics (data warehouse, eu-west-1 production account)', tags: ['aws', 'analytics', 'production', 'eu-west-1'] },
  { name: 'AWS access key – analytics (developer sandbox, us-east-2 staging account)', tags: ['aws', 'analytics', 'staging'] },
  { name: 'GitHub deploy token', tags: ['github', 'ci'] },
  { name: 'Stripe live secret key', tags: ['payments', 'production'] },
  { name: 'Stripe test secret key', tags: ['payments', 'test'] },
  { name: 'SMTP relay password', tags: ['email'] },
  { name: 'Postgres primary – app user', tags: ['database', 'production'], state: 'suspended' },
  { name: 'Postgres replica – read only', tags: ['database'] },
  { name: 'Sentry DSN', tags: ['monitoring'] },
  { name: 'Slack webhook – #deploys', tags: ['chat', 'ci'] },
  { name: 'Cloudflare API token', tags: ['dns', 'production'] },
  { name: 'Datadog API key', tags: ['monitoring', 'production'], state: 'deactivated' },
  { name: 'OpenSSL CA passphrase', tags: ['pki', 'disaster-recovery'] },
  { name: 'Twilio auth token', tags: ['sms'], rotatedDaysAgo: 200 },
  { name: 'Google OAuth client secret', tags: ['oauth', 'production'] },
  { name: 'Backup encryption passphrase', tags: ['backup', 'disaster-recovery', 'offline'] },
  ...Array.from({ length: 8 }, (_, i) => ({ name: `Service token ${String(i + 1).padStart(2, '0')}`, tags: [] })),
];

/** Writes a backup file (vault password PASSWORD, backup password LIST_BACKUP_PASSWORD) of `keys`; returns its path. */
export async function makeListBackup(keys: readonly SeedKey[] = LIST_KEYS): Promise<string> {
  const vault = await openVault({ dbName: `e2e-list-${process.pid}-${Date.now()}` });
  const session = await vault.create({ ownerName: 'Ada Lovelace', password: PASSWORD, iterations: 600_000 });
  const now = Date.now();
  const dumps: KeyDump[] = keys.map((key, i) => {
    const id = `list${String(i).padStart(6, '0')}seededkeys`;
    const state = key.state ?? 'active';
    const rotated = now - (key.rotatedDaysAgo ?? 1) * DAY;
    return {
      row: { id, createdAt: rotated, updatedAt: rotated, currentVersion: 1, currentOrigin: 'imported', currentCompromisedAt: null, minVersion: 1, keepVersions: 10, state, stateChangedAt: rotated, activationAt: null, rotationDays: 90, autoRotate: false, lastRotatedAt: rotated, destroyAt: null },
      meta: { kind: 'secret', name: key.name, format: 'text', tags: key.tags, notes: '', algorithm: null, recipe: null, hasPrivate: true, compromiseReason: null, history: [{ at: rotated, actor: session.user.id, action: 'created', to: state, version: 1 }] },
      versions: [{ keyId: id, version: 1, createdAt: rotated, origin: 'imported', destroyedAt: null, compromisedAt: null, material: utf8Encode(`value of ${key.name}`) }],
    };
  });
  await session.backup.importRecords({ add: dumps, replace: [] }, { seeded: keys.length });
  const { filename, bytes } = await session.backup.export({ password: LIST_BACKUP_PASSWORD });
  await session.lock();
  vault.close();
  const path = join(await mkdtemp(join(tmpdir(), 'keyward-list-')), filename);
  await writeFile(path, bytes);
  return path;
}

/** On a browser with no vault: "Restore backup" from the first-run screen, then unlock; the key list is shown. */
export async function restoreAndUnlock(page: Page, path: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Restore backup', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore backup' });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByLabel('Backup file', { exact: true }).click()]);
  await chooser.setFiles(path);
  await dialog.getByLabel('Backup password', { exact: true }).fill(LIST_BACKUP_PASSWORD);
  await dialog.getByRole('button', { name: 'Check backup file', exact: true }).click();
  await dialog.getByRole('button', { name: 'Replace this vault', exact: true }).click({ timeout: KDF_TIMEOUT });
  await page.getByRole('dialog', { name: 'Confirm replace' }).getByRole('button', { name: 'Replace everything', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible({ timeout: KDF_TIMEOUT });
  await unlockAndWait(page);
}
