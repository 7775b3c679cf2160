// Owns what the unlock screen asks of the vault before any key is open (issue #18): a user's passkey credential ids and
// PRF salts, nothing secret. A failure reads as "no passkeys": the password is always offered.

import type { PasskeyRequest, UserId, Vault } from '../../vault';

export class PasskeyUnlock {
  readonly #vault: () => Vault | null;

  constructor(vault: () => Vault | null) {
    this.#vault = vault;
  }

  /** The user's passkeys (default: the owner); [] when there is no vault, no such user, or none. */
  async requests(userId?: UserId): Promise<PasskeyRequest[]> {
    const vault = this.#vault();
    return vault === null ? [] : vault.passkeyRequests(userId).catch(() => []);
  }
}
