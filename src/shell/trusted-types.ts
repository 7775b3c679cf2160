// Owns Keyward's one Trusted Types policy: the service worker's script URL, the only script URL the app ever
// hands to a sink. The CSP (index.html, vite.config.ts) names it and Svelte's own "svelte-trusted-html" and no
// other, with require-trusted-types-for 'script': any other string reaching innerHTML, a script's src or
// navigator.serviceWorker.register() throws a TypeError instead of running.

/** The policy name the CSP's trusted-types directive lists; keep the two in step. */
export const SW_POLICY_NAME = 'keyward-sw';

/** Enough of window.trustedTypes for this module (lib.dom does not describe Trusted Types yet). */
export interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL: (input: string) => string }): { createScriptURL(input: string): unknown };
}

/**
 * The service worker URL as a TrustedScriptURL where the browser has Trusted Types, else the string itself.
 * The policy allows exactly `url` (resolved against `base`) and nothing else, so it cannot launder any
 * other script URL. Creating the policy twice throws (the CSP forbids duplicates): call once per page.
 */
export function trustedServiceWorkerUrl(url: string, base: string, trustedTypes: TrustedTypesLike | undefined): string {
  const allowed = new URL(url, base).href;
  if (trustedTypes === undefined) return url;
  const policy = trustedTypes.createPolicy(SW_POLICY_NAME, {
    createScriptURL: (input) => {
      if (new URL(input, base).href !== allowed) throw new TypeError('only the service worker script may be loaded as a script URL');
      return input;
    },
  });
  // A TrustedScriptURL, typed as a string: workbox-window and register() take either.
  return policy.createScriptURL(url) as string;
}
