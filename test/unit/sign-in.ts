// Shared by the attack tests (issue #14): an admin adds a user with a one-time password, and the user signs in and
// chooses their own, as the app makes them.
import type { Role, Session, UserId, Vault } from '../../src/vault';

export const ONE_TIME = 'one-time password 1';
export const OWN = 'my very own passphrase';

export async function addAndSignIn(vault: Vault, admin: Session, name: string, role: Role): Promise<{ id: UserId; session: Session }> {
  const user = await admin.directory.addUser({ name, password: ONE_TIME, role });
  const first = await vault.unlock({ userId: user.id, password: ONE_TIME });
  await first.credentials.changePassword(ONE_TIME, OWN);
  return { id: user.id, session: first };
}
