// Owns choosing the keys of `keyward env` and `keyward run` in an opened backup (all the user holds, those with a tag,
// or those named) and reading their current values through the session's own checks: a key the user may not use, or
// whose state forbids it (suspended, pre-active, destruction scheduled, destroyed), is left out with why.

import { parseJson } from '../src/crypto';
import { atLeast, stateAllows, type KeySummary, type Session } from '../src/vault';
import { CliError, single, type ParsedArgs } from './keyward-common';

export interface KeyValue {
  name: string;
  value: string;
}

export interface ChosenKeys {
  items: KeyValue[];
  leftOut: { name: string; why: string }[];
}

/** --tag T or --key NAME (repeatable); neither: every key. Both: a usage error. */
export function scopeOf(args: ParsedArgs): { tag?: string; names?: string[] } {
  const tag = single(args, 'tag');
  const names = args.values.get('key');
  if (tag !== undefined && names) throw new CliError('give --tag or --key, not both (keyward help shows the usage)', 2);
  return tag !== undefined ? { tag } : names ? { names } : {};
}

function byScope(all: readonly KeySummary[], scope: { tag?: string; names?: string[] }): KeySummary[] {
  if (scope.tag !== undefined) {
    const tag = scope.tag.trim().toLowerCase();
    const tagged = all.filter((k) => k.tags.some((t) => t.toLowerCase() === tag));
    if (tagged.length === 0) throw new CliError(`no key you hold has the tag "${scope.tag}".`);
    return tagged;
  }
  if (scope.names) {
    const chosen = new Map<string, KeySummary>();
    for (const name of scope.names) {
      let found = all.filter((k) => k.name === name);
      if (found.length === 0) found = all.filter((k) => k.name.toLowerCase() === name.toLowerCase());
      if (found.length === 0) throw new CliError(`there is no key named "${name}" (or you have no grant on it).`);
      for (const k of found) chosen.set(k.id, k);
    }
    return [...chosen.values()];
  }
  return [...all];
}

/** Why this user cannot read the key's current value, or null when they can. */
function refusal(k: KeySummary): string | null {
  if (!atLeast(k.permission, 'use')) return `a "${k.permission}" grant does not allow using the value`;
  if (stateAllows(k.state, 'reveal', k.destroyAt !== null)) return null;
  if (k.destroyAt !== null && k.state !== 'destroyed') return 'its destruction is scheduled';
  if (k.state === 'pre-activation') return 'it is not active yet (pre-activation)';
  return `it is ${k.state}`;
}

/** The value the app's export gives: a secret as stored; a typed key's secret part as JWK, else its private (or public) PEM. */
async function currentValue(session: Session, k: KeySummary): Promise<string> {
  if (k.kind === 'secret') return session.keys.reveal(k.id);
  const symmetric = k.algorithm?.kind === 'aes-gcm' || k.algorithm?.kind === 'hmac';
  if (symmetric) return JSON.stringify(parseJson(await session.keys.export(k.id, { part: 'secret', format: 'jwk' })));
  return session.keys.export(k.id, { part: k.hasPrivate ? 'private' : 'public', format: 'pem' });
}

/** The chosen keys' names and current values, in name order; fails when none can be read. */
export async function chooseKeys(session: Session, scope: { tag?: string; names?: string[] }): Promise<ChosenKeys> {
  const chosen = byScope(await session.keys.list(), scope).sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
  const out: ChosenKeys = { items: [], leftOut: [] };
  for (const k of chosen) {
    const why = refusal(k);
    if (why !== null) {
      out.leftOut.push({ name: k.name, why });
      continue;
    }
    try {
      out.items.push({ name: k.name, value: await currentValue(session, k) });
    } catch (error) {
      out.leftOut.push({ name: k.name, why: (error as Error).message });
    }
  }
  for (const l of out.leftOut) process.stderr.write(`keyward: left out "${l.name}": ${l.why}.\n`);
  if (out.items.length === 0) throw new CliError(chosen.length === 0 ? 'there are no keys in this backup that you hold.' : 'none of these keys can be used (see above).');
  return out;
}
