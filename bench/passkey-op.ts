// Owns the passkey-unlock benchmark (issue #18): `unlock_passkey` times the WebAuthn assertion with PRF (a virtual CTAP2
// authenticator that scripts/bench.mjs adds through the DevTools protocol), vault.unlockWithPasskey and the key list,
// beside a floor of the same WebAuthn call plus the unlock's own key-loading floor without its PBKDF2.

import { askPasskey, createPasskey } from '../src/ui/vault/passkey-browser';
import type { PasskeyRequest, Session, Vault } from '../src/vault';
import type { FloorPart } from './floors';

/** What the operation needs of bench.ts: the same shapes its OPERATIONS use. */
interface PasskeyCtx {
  vault: Vault;
  password: string;
  session(): Promise<Session>;
}

export interface PasskeyOpDeps<C extends PasskeyCtx> {
  /** The `unlock` operation's floor parts (PBKDF2 is left out: a passkey unlock derives no password key). */
  unlockFloor(ctx: C): Promise<FloorPart[]>;
  split<T>(label: string, fn: () => Promise<T>): Promise<T>;
  quietLock(session: Session): Promise<void>;
}

/** The seeded owner's passkey requests; the first call adds a passkey (untimed: password, create with PRF, finish). */
async function requestsOf(ctx: PasskeyCtx): Promise<PasskeyRequest[]> {
  const existing = await ctx.vault.passkeyRequests();
  if (existing.length > 0) return existing;
  const session = await ctx.session();
  const enrolment = await session.passkeys.begin(ctx.password);
  await enrolment.finish({ name: 'Bench passkey', ...(await createPasskey(enrolment)) });
  return ctx.vault.passkeyRequests();
}

export function passkeyUnlockOperation<C extends PasskeyCtx>(deps: PasskeyOpDeps<C>) {
  return {
    name: 'unlock_passkey',
    runs: 5,
    warmup: true,
    prepare: async (ctx: C) => {
      const requests = await requestsOf(ctx);
      return async () => {
        const answer = await deps.split('WebAuthn get with PRF (virtual CTAP2 authenticator)', () => askPasskey(requests));
        const session = await deps.split('vault.unlockWithPasskey (HKDF, two unwraps, user and audit keys, audit entry; the keys start opening inside it)', () => ctx.vault.unlockWithPasskey(answer));
        await deps.split('session.listKeys (what is left of opening every key)', () => session.keys.list());
        return session;
      };
    },
    after: (session: unknown) => deps.quietLock(session as Session),
    floor: async (ctx: C): Promise<FloorPart[]> => {
      const requests = await requestsOf(ctx);
      const parts = (await deps.unlockFloor(ctx)).filter((p) => !p.label.startsWith('PBKDF2'));
      return [{ label: 'the same WebAuthn get with PRF', run: () => askPasskey(requests) }, ...parts];
    },
  };
}
