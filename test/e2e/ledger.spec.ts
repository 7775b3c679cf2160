// The signed list of users and groups (issue #14), as an attacker with this browser's storage would try it: a link's
// signature flipped, or a user's public key swapped in their row. The next unlock says so above the list, in plain
// words, and the keys still open.
import type { Page } from '@playwright/test';
import { addKey, createVault, expect, keyInList, test, unlockAndWait } from './fixtures';

/**
 * Edits rows of the app's database as devtools would (the page's CSP allows no eval, so the edits are named): flips a
 * byte of every ledger link's signature, or puts a fresh P-256 public key into every user row. Resolves with the count.
 */
async function editRows(page: Page, edit: 'flip-signature' | 'swap-public-key'): Promise<number> {
  return page.evaluate(
    (edit) =>
      new Promise<number>((resolve) => {
        const store = edit === 'flip-signature' ? 'ledger' : 'users';
        const request = indexedDB.open('keyward');
        request.onerror = () => resolve(-1);
        request.onsuccess = () => {
          const db = request.result;
          const read = db.transaction(store, 'readonly').objectStore(store).getAll();
          read.onsuccess = async () => {
            const rows = read.result as Record<string, unknown>[];
            for (const row of rows) {
              if (edit === 'flip-signature') {
                const sig = new Uint8Array(row.sig as Uint8Array);
                sig[0] = (sig[0] ?? 0) ^ 1;
                row.sig = sig;
              } else {
                // Made before the write transaction opens (it would close while WebCrypto works).
                const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
                const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
                row.publicKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
              }
            }
            const tx = db.transaction(store, 'readwrite');
            for (const row of rows) tx.objectStore(store).put(row);
            tx.oncomplete = () => {
              db.close();
              resolve(rows.length);
            };
            tx.onerror = () => resolve(-2);
          };
        };
      }),
    edit,
  );
}

test('a ledger link whose signature was changed is said at unlock; the keys still open', async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'kept-key', 'value-kept-1');
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  expect(await editRows(page, 'flip-signature')).toBe(1);
  await unlockAndWait(page);
  await expect(page.getByRole('alert').filter({ hasText: 'signed list of users and groups' })).toHaveText(
    'The signed list of users and groups was changed outside Keyward (entry 0: its signature does not verify). Your keys still open, but keys cannot be shared and users and groups cannot be changed until the vault is restored from a backup.',
  );
  await expect(keyInList(page, 'kept-key')).toBeVisible();
});

test("a user's public key swapped in their row is ignored and said at unlock", async ({ page }) => {
  await page.goto('/');
  await createVault(page);
  await addKey(page, 'kept-key', 'value-kept-1');
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unlock', exact: true })).toBeVisible();
  const swapped = await editRows(page, 'swap-public-key');
  expect(swapped).toBe(1);
  await unlockAndWait(page);
  await expect(page.getByRole('alert').filter({ hasText: 'signed list' })).toHaveText(
    '1 user or group record in this browser does not match the signed list of users and groups: it was changed outside Keyward. Keyward follows the signed list and ignores it.',
  );
  await expect(keyInList(page, 'kept-key')).toBeVisible();
});
