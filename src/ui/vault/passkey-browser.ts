// Owns the browser's WebAuthn calls for passkey unlock (issue #18): making a credential with the PRF extension (and
// evaluating it once more when the create response carries no result), and asking for a PRF output at unlock. rp id =
// this page's hostname, user verification required, no network: the vault layer only ever sees bytes.

import type { PasskeyEnrolment, PasskeyRequest } from '../../vault';

/** The exact words for an authenticator without PRF (issue #18). */
export const NO_PRF_MESSAGE = 'This passkey or security key cannot unlock Keyward: it does not support the PRF extension.';
/** The browser's dialog was closed, timed out, or no authenticator answered. */
export const PASSKEY_CANCELLED = 'The passkey dialog was closed before it finished. Nothing was changed.';

/** Thrown with one of the sentences above, for the screen to show as it is. */
export class PasskeyBrowserError extends Error {
  override readonly name = 'PasskeyBrowserError';
}

const TIMEOUT_MS = 120_000;

/** Whether this browser offers WebAuthn at all (a PRF check needs an authenticator: it happens when one is used). */
export function passkeysAvailable(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && typeof navigator.credentials?.create === 'function';
}

function bytes(source: ArrayBuffer | ArrayBufferView | undefined): Uint8Array<ArrayBuffer> | undefined {
  if (source === undefined) return undefined;
  return source instanceof ArrayBuffer ? new Uint8Array(source.slice(0)) : new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength) as ArrayBuffer);
}

function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

function base64url(b: Uint8Array): string {
  let text = '';
  for (const byte of b) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function challenge(): Uint8Array<ArrayBuffer> {
  // No server checks it: unlock is local, the PRF output is what proves the authenticator.
  return crypto.getRandomValues(new Uint8Array(32));
}

function prfFirst(credential: PublicKeyCredential): Uint8Array<ArrayBuffer> | undefined {
  const results = credential.getClientExtensionResults().prf?.results;
  return bytes(results?.first as ArrayBuffer | ArrayBufferView | undefined);
}

/** NotAllowedError (closed, timed out) and AbortError read as "cancelled"; anything else keeps its own error. */
async function dialog<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'AbortError')) throw new PasskeyBrowserError(PASSKEY_CANCELLED);
    throw error;
  }
}

/** "Add passkey": the browser's dialog makes a credential and gives the PRF output for this slot's salt. */
export async function createPasskey(enrolment: PasskeyEnrolment): Promise<{ credentialId: Uint8Array; prfOutput: Uint8Array }> {
  const rpId = location.hostname;
  const salt = copy(enrolment.prfSalt);
  const created = await dialog(() =>
    navigator.credentials.create({
      publicKey: {
        rp: { id: rpId, name: 'Keyward' },
        user: { id: new TextEncoder().encode(enrolment.userId), name: enrolment.userName, displayName: enrolment.userName },
        challenge: challenge(),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
        excludeCredentials: enrolment.existing.map((id) => ({ type: 'public-key' as const, id: copy(id) })),
        timeout: TIMEOUT_MS,
        extensions: { prf: { eval: { first: salt } } },
      },
    }),
  );
  if (!(created instanceof PublicKeyCredential)) throw new PasskeyBrowserError(PASSKEY_CANCELLED);
  const credentialId = new Uint8Array(created.rawId.slice(0));
  const extension = created.getClientExtensionResults().prf;
  let prfOutput = prfFirst(created);
  // Some authenticators evaluate the PRF only at an assertion: ask once with the same salt (unless it said it has none).
  if (prfOutput === undefined && extension?.enabled !== false) {
    const asserted = await dialog(() =>
      navigator.credentials.get({
        publicKey: {
          rpId,
          challenge: challenge(),
          allowCredentials: [{ type: 'public-key', id: copy(credentialId) }],
          userVerification: 'required',
          timeout: TIMEOUT_MS,
          extensions: { prf: { eval: { first: salt } } },
        },
      }),
    );
    if (asserted instanceof PublicKeyCredential) prfOutput = prfFirst(asserted);
  }
  if (prfOutput === undefined) throw new PasskeyBrowserError(NO_PRF_MESSAGE);
  return { credentialId, prfOutput };
}

/** Unlock: the browser's dialog picks one of this user's passkeys and gives its PRF output for that slot's salt. */
export async function askPasskey(requests: readonly PasskeyRequest[]): Promise<{ credentialId: Uint8Array; prfOutput: Uint8Array }> {
  const evalByCredential: Record<string, { first: Uint8Array<ArrayBuffer> }> = {};
  for (const r of requests) evalByCredential[base64url(r.credentialId)] = { first: copy(r.prfSalt) };
  const asserted = await dialog(() =>
    navigator.credentials.get({
      publicKey: {
        rpId: location.hostname,
        challenge: challenge(),
        allowCredentials: requests.map((r) => ({ type: 'public-key' as const, id: copy(r.credentialId) })),
        userVerification: 'required',
        timeout: TIMEOUT_MS,
        extensions: { prf: { evalByCredential } },
      },
    }),
  );
  if (!(asserted instanceof PublicKeyCredential)) throw new PasskeyBrowserError(PASSKEY_CANCELLED);
  const prfOutput = prfFirst(asserted);
  if (prfOutput === undefined) throw new PasskeyBrowserError(NO_PRF_MESSAGE);
  return { credentialId: new Uint8Array(asserted.rawId.slice(0)), prfOutput };
}
