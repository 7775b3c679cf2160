// Owns parsing JSON that came from outside the running code (files, storage, pasted text) without poisoned keys.

/**
 * Keys that JSON.parse keeps as ordinary own properties, but that a later Object.assign, for…in merge or
 * `target[key] = value` copy would turn into a prototype change ("prototype pollution"). No Keyward format uses them.
 */
export const POISONED_JSON_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON.parse that drops every `__proto__`, `constructor` and `prototype` member at every depth before `reviver`
 * (if any) sees the object. Throws SyntaxError as JSON.parse does.
 */
export function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  if (typeof text !== 'string') throw new TypeError('"text" must be a string');
  return JSON.parse(text, function (this: unknown, key: string, value: unknown) {
    // Returning undefined deletes the member from its holder (ECMA-262 InternalizeJSONProperty); array indexes are never poisoned keys.
    if (POISONED_JSON_KEYS.has(key) && !Array.isArray(this)) return undefined;
    return reviver ? reviver.call(this, key, value) : value;
  });
}
