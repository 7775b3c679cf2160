// Tests the service worker's Trusted Types policy: it admits exactly the worker's URL and no other script URL.
import { describe, expect, it } from 'vitest';
import { SW_POLICY_NAME, trustedServiceWorkerUrl, type TrustedTypesLike } from './trusted-types';

function fakeTrustedTypes() {
  const made: { name: string; createScriptURL: (input: string) => string }[] = [];
  const tt: TrustedTypesLike = {
    createPolicy(name, rules) {
      made.push({ name, ...rules });
      return { createScriptURL: (input: string) => ({ trusted: rules.createScriptURL(input) }) };
    },
  };
  return { tt, made };
}

describe('trustedServiceWorkerUrl', () => {
  it('makes the one named policy and returns a trusted value for the worker URL', () => {
    const { tt, made } = fakeTrustedTypes();
    const url = trustedServiceWorkerUrl('/sw.js', 'http://localhost:4173/', tt);
    expect(url).toEqual({ trusted: '/sw.js' });
    expect(made.map((p) => p.name)).toEqual([SW_POLICY_NAME]);
  });

  it('refuses any other script URL, relative or absolute, through the same policy', () => {
    const { tt, made } = fakeTrustedTypes();
    trustedServiceWorkerUrl('/sw.js', 'http://localhost:4173/', tt);
    const policy = made[0]!;
    for (const evil of ['/evil.js', 'http://evil.example/sw.js', 'data:text/javascript,alert(1)', '/sw.js?x=1', '//evil.example/sw.js']) {
      expect(() => policy.createScriptURL(evil)).toThrow(TypeError);
    }
    expect(policy.createScriptURL('http://localhost:4173/sw.js')).toBe('http://localhost:4173/sw.js');
  });

  it('returns the plain string where the browser has no Trusted Types', () => {
    expect(trustedServiceWorkerUrl('/sw.js', 'http://localhost:4173/', undefined)).toBe('/sw.js');
  });
});
