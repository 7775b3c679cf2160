// Tests for passkey-browser.ts with a scripted navigator.credentials (the real browser path is test/e2e/passkey.spec.ts):
// the PRF salt goes to create, a create response without a PRF result is evaluated by exactly one get with the same
// salt, an authenticator without PRF gets the exact message, a closed dialog reads as cancelled, and unlock asks with
// each credential's own salt.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PasskeyEnrolment } from '../../vault';
import { askPasskey, createPasskey, NO_PRF_MESSAGE, PASSKEY_CANCELLED } from './passkey-browser';

class FakeCredential {
  constructor(
    readonly rawId: ArrayBuffer,
    readonly prf: { enabled?: boolean; results?: { first?: ArrayBuffer } } | undefined,
  ) {}
  getClientExtensionResults() {
    return this.prf === undefined ? {} : { prf: this.prf };
  }
}

const ID = Uint8Array.of(1, 2, 3, 4).buffer;
const OUTPUT = new Uint8Array(32).fill(0x5a);
const salt = new Uint8Array(32).fill(7);
const enrolment = { userId: 'user-1', userName: 'Ada', prfSalt: salt, existing: [Uint8Array.of(9, 9)], finish: vi.fn(), cancel: vi.fn() } as unknown as PasskeyEnrolment;

let create: ReturnType<typeof vi.fn>;
let get: ReturnType<typeof vi.fn>;

beforeEach(() => {
  create = vi.fn();
  get = vi.fn();
  vi.stubGlobal('PublicKeyCredential', FakeCredential);
  vi.stubGlobal('navigator', { credentials: { create, get } });
  vi.stubGlobal('location', { hostname: 'keyward.example' });
});
afterEach(() => vi.unstubAllGlobals());

describe('createPasskey', () => {
  it('asks for a credential with the PRF salt, user verification required and this host as rp id; uses the PRF result of create', async () => {
    create.mockResolvedValue(new FakeCredential(ID, { enabled: true, results: { first: OUTPUT.buffer } }));
    const made = await createPasskey(enrolment);
    expect(made).toEqual({ credentialId: new Uint8Array(ID), prfOutput: OUTPUT });
    const options = create.mock.calls[0]![0].publicKey;
    expect(options.rp.id).toBe('keyward.example');
    expect(options.authenticatorSelection.userVerification).toBe('required');
    expect(options.extensions.prf.eval.first).toEqual(salt);
    expect(options.excludeCredentials).toEqual([{ type: 'public-key', id: Uint8Array.of(9, 9) }]);
    expect(get).not.toHaveBeenCalled();
  });

  it('without a PRF result at create, evaluates it with exactly one get of that credential and the same salt', async () => {
    create.mockResolvedValue(new FakeCredential(ID, { enabled: true }));
    get.mockResolvedValue(new FakeCredential(ID, { results: { first: OUTPUT.buffer } }));
    expect((await createPasskey(enrolment)).prfOutput).toEqual(OUTPUT);
    expect(get).toHaveBeenCalledTimes(1);
    const options = get.mock.calls[0]![0].publicKey;
    expect(options.extensions.prf.eval.first).toEqual(salt);
    expect(options.allowCredentials).toEqual([{ type: 'public-key', id: new Uint8Array(ID) }]);
    expect(options.userVerification).toBe('required');
  });

  it.each([
    ['says it has no PRF (enabled: false): no second dialog', { enabled: false }, false],
    ['gives no PRF answer at create nor at get', undefined, true],
  ])('refuses an authenticator that %s, with the exact message', async (_name, prf, asks) => {
    create.mockResolvedValue(new FakeCredential(ID, prf));
    get.mockResolvedValue(new FakeCredential(ID, undefined));
    await expect(createPasskey(enrolment)).rejects.toThrow(NO_PRF_MESSAGE);
    expect(get).toHaveBeenCalledTimes(asks ? 1 : 0);
  });

  it('a closed or timed-out dialog reads as cancelled; another error is passed on', async () => {
    create.mockRejectedValue(new DOMException('closed', 'NotAllowedError'));
    await expect(createPasskey(enrolment)).rejects.toThrow(PASSKEY_CANCELLED);
    create.mockRejectedValue(new DOMException('bad rp', 'SecurityError'));
    await expect(createPasskey(enrolment)).rejects.toMatchObject({ name: 'SecurityError' });
  });
});

describe('askPasskey', () => {
  it("asks with each credential's own salt (by base64url id) and returns the credential used and its PRF output", async () => {
    get.mockResolvedValue(new FakeCredential(ID, { results: { first: OUTPUT.buffer } }));
    const requests = [
      { credentialId: Uint8Array.of(0xfb, 0xff), prfSalt: new Uint8Array(32).fill(1) },
      { credentialId: new Uint8Array(ID), prfSalt: new Uint8Array(32).fill(2) },
    ];
    expect(await askPasskey(requests)).toEqual({ credentialId: new Uint8Array(ID), prfOutput: OUTPUT });
    const options = get.mock.calls[0]![0].publicKey;
    expect(options.rpId).toBe('keyward.example');
    expect(options.userVerification).toBe('required');
    expect(Object.keys(options.extensions.prf.evalByCredential).sort()).toEqual(['-_8', 'AQIDBA']);
    expect(options.extensions.prf.evalByCredential['-_8'].first).toEqual(new Uint8Array(32).fill(1));
  });

  it('an answer without a PRF output is the no-PRF message', async () => {
    get.mockResolvedValue(new FakeCredential(ID, {}));
    await expect(askPasskey([{ credentialId: new Uint8Array(ID), prfSalt: salt }])).rejects.toThrow(NO_PRF_MESSAGE);
  });
});
