// Tests for the ledger (issue #14): links made by makeLinks verify; every forged, reordered, re-signed or unauthorised
// link is refused at its number with the links before it standing; pins catch a replaced or rolled-back ledger.

import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, toBase64Url, generateEcdhKeyPair, pointFromJwk, type SigningKeyPair } from '../../crypto';
import type { LedgerBody, LedgerRow, LedgerUser } from '../../storage';
import { makeLinks, type Head } from './append';
import { NO_PREV, parseBody } from './codec';
import { emptyState, Refused, type LedgerState } from './rules';
import { checkPin, verifyLinks } from './verify';

const VAULT = 'vault-1';

async function person(id: string, role: LedgerUser['role'], name = id): Promise<{ user: LedgerUser; keys: SigningKeyPair }> {
  const keys = await generateSigningKeyPair();
  const ecdh = await generateEcdhKeyPair();
  return { user: { id, name, role, ecdh: toBase64Url(pointFromJwk(ecdh.publicKey)), sign: toBase64Url(keys.publicKey) }, keys };
}

/** A small ledger built as the app would: owner, an admin, a member, a group with the member. */
async function build() {
  const owner = await person('owner0', 'owner');
  const admin = await person('admin0', 'admin');
  const mallory = await person('mallory', 'member');
  const group = await generateEcdhKeyPair();
  let state: LedgerState = emptyState(VAULT);
  let head: Head = { count: 0, head: NO_PREV };
  const rows: LedgerRow[] = [];
  const add = async (by: { user: LedgerUser; keys: SigningKeyPair }, bodies: LedgerBody[], at = 1000) => {
    const made = await makeLinks(VAULT, state, head, by.user.id, { key: by.keys.privateKey, point: toBase64Url(by.keys.publicKey) }, bodies, at);
    rows.push(...made.rows);
    state = made.state;
    head = made.head;
  };
  await add(owner, [{ type: 'genesis', vaultId: VAULT, user: owner.user }]);
  await add(owner, [{ type: 'user.add', user: admin.user }]);
  await add(admin, [{ type: 'user.add', user: mallory.user }]);
  await add(admin, [
    { type: 'group.add', id: 'group0', ecdh: toBase64Url(pointFromJwk(group.publicKey)) },
    { type: 'member.add', group: 'group0', user: 'mallory' },
  ]);
  return { owner, admin, mallory, rows, state: () => state, head: () => head, add };
}

const clone = (rows: LedgerRow[]) => rows.map((r) => ({ ...r, body: structuredClone(r.body), prev: r.prev.slice(), sig: r.sig.slice() }));

describe('a ledger made by the app', () => {
  it('verifies whole, and gives the principals it states', async () => {
    const l = await build();
    const v = await verifyLinks(VAULT, l.rows);
    expect(v.problem).toBeNull();
    expect(v.count).toBe(5);
    expect(v.state.users.get('admin0')?.role).toBe('admin');
    expect(v.state.users.get('mallory')?.ecdh).toBe(l.mallory.user.ecdh);
    expect(v.state.members.has('group0|mallory')).toBe(true);
    expect(v.head).toEqual(l.head().head);
  });

  it('verifies incrementally from a verified prefix to the same result', async () => {
    const l = await build();
    const first = await verifyLinks(VAULT, l.rows.slice(0, 2));
    const rest = await verifyLinks(VAULT, l.rows.slice(2), first);
    expect(rest.count).toBe(5);
    expect(rest.head).toEqual(l.head().head);
  });

  it('records a first sign-in with its time and client', async () => {
    const l = await build();
    const fresh = await generateSigningKeyPair();
    await l.add(l.mallory, [{ type: 'user.keys', id: 'mallory', ecdh: l.mallory.user.ecdh, sign: toBase64Url(fresh.publicKey), first: { client: 'Chrome on Linux' } }], 5000);
    // The next link of hers must be signed with the new key: the old one is refused before anything is signed.
    await expect(l.add(l.mallory, [{ type: 'user.keys', id: 'mallory', ecdh: l.mallory.user.ecdh, sign: toBase64Url(fresh.publicKey), first: null }])).rejects.toThrow('your signing key is not the one the ledger expects for this');
    const v = await verifyLinks(VAULT, l.rows);
    expect(v.problem).toBeNull();
    expect(v.state.users.get('mallory')?.firstSignIn).toEqual({ at: 5000, client: 'Chrome on Linux', seq: 5 });
  });
});

describe('forged links (the attacker writes the rows)', () => {
  it('public-key substitution in a stored link breaks its signature', async () => {
    const l = await build();
    const rows = clone(l.rows);
    const evil = await generateEcdhKeyPair();
    (rows[1]!.body as { user: LedgerUser }).user.ecdh = toBase64Url(pointFromJwk(evil.publicKey));
    const v = await verifyLinks(VAULT, rows);
    expect(v.problem).toEqual({ seq: 1, why: 'its signature does not verify' });
    expect(v.count).toBe(1);
    expect(v.state.users.has('admin0')).toBe(false);
  });

  it('a member cannot raise her own role, even with a valid signature of her own', async () => {
    const l = await build();
    await expect(l.add(l.mallory, [{ type: 'user.role', id: 'mallory', role: 'admin' }])).rejects.toBeInstanceOf(Refused);
    // Written by hand, signed with her real key, appended to the real chain:
    const forged = await forge(l, 'mallory', l.mallory.keys, { type: 'user.role', id: 'mallory', role: 'admin' });
    const v = await verifyLinks(VAULT, [...l.rows, forged]);
    expect(v.problem).toEqual({ seq: 5, why: 'only an admin changes roles' });
    expect(v.state.users.get('mallory')?.role).toBe('member');
  });

  it('an admin cannot swap another user\'s keys', async () => {
    const l = await build();
    const evil = await generateSigningKeyPair();
    const forged = await forge(l, 'admin0', l.admin.keys, { type: 'user.keys', id: 'mallory', ecdh: l.mallory.user.ecdh, sign: toBase64Url(evil.publicKey), first: null });
    const v = await verifyLinks(VAULT, [...l.rows, forged]);
    expect(v.problem?.why).toBe('only users change their own keys');
  });

  it('a link signed by a key the ledger does not know is refused', async () => {
    const l = await build();
    const stranger = await generateSigningKeyPair();
    const forged = await forge(l, 'admin0', stranger, { type: 'user.add', user: (await person('eve', 'admin')).user });
    expect((await verifyLinks(VAULT, [...l.rows, forged])).problem?.why).toBe('its signature does not verify');
  });

  it('a removed admin signs nothing any more', async () => {
    const l = await build();
    await l.add(l.owner, [{ type: 'user.remove', id: 'admin0' }]);
    const forged = await forge(l, 'admin0', l.admin.keys, { type: 'user.role', id: 'mallory', role: 'admin' });
    expect((await verifyLinks(VAULT, [...l.rows, forged])).problem?.why).toBe('the signer is not a user of this vault');
  });

  it.each([
    ['a link taken out', (rows: LedgerRow[]) => rows.filter((_, i) => i !== 2), 2, 'the links are not numbered in order'],
    ['two links swapped', (rows: LedgerRow[]) => [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)], 1, 'the links are not numbered in order'],
    ['renumbered after a removal', (rows: LedgerRow[]) => rows.filter((_, i) => i !== 2).map((r, i) => ({ ...r, seq: i })), 2, 'it does not follow the link before it'],
    ['the time changed', (rows: LedgerRow[]) => rows.map((r, i) => (i === 3 ? { ...r, at: r.at + 1 } : r)), 3, 'its signature does not verify'],
    ['the signer renamed', (rows: LedgerRow[]) => rows.map((r, i) => (i === 2 ? { ...r, by: 'owner0' } : r)), 2, 'its signature does not verify'],
    ['a short signature', (rows: LedgerRow[]) => rows.map((r, i) => (i === 1 ? { ...r, sig: r.sig.slice(0, 63) } : r)), 1, 'the signature is malformed'],
    ['no statement', (rows: LedgerRow[]) => rows.map((r, i) => (i === 4 ? { ...r, body: null as unknown as LedgerBody } : r)), 4, 'the statement is not an object'],
    ['an unknown statement', (rows: LedgerRow[]) => rows.map((r, i) => (i === 4 ? { ...r, body: { type: 'user.owner', id: 'mallory' } as unknown as LedgerBody } : r)), 4, 'the statement has an unknown type'],
    ['a time that is text', (rows: LedgerRow[]) => rows.map((r, i) => (i === 1 ? { ...r, at: 'soon' as unknown as number } : r)), 1, 'the time is not a time'],
    ['a prev of the wrong size', (rows: LedgerRow[]) => rows.map((r, i) => (i === 1 ? { ...r, prev: new Uint8Array(31) } : r)), 1, 'the previous link hash is malformed'],
    ['a second genesis', (rows: LedgerRow[]) => [...rows, { ...rows[0]!, seq: 5 }], 5, 'it does not follow the link before it'],
  ])('%s: refused at the right link, the links before it stand', async (_name, change, seq, why) => {
    const l = await build();
    const v = await verifyLinks(VAULT, change(clone(l.rows)));
    expect(v.problem).toEqual({ seq, why });
    expect(v.count).toBe(seq);
  });

  it('a ledger of another vault does not verify here', async () => {
    const l = await build();
    expect((await verifyLinks('vault-2', l.rows)).problem?.seq).toBe(0);
  });
});

describe('statement shapes (a table of bad inputs)', () => {
  const point = toBase64Url(new Uint8Array(65).fill(4));
  it.each([
    [{ type: 'user.add', user: { id: 'a', name: '', role: 'member', ecdh: point, sign: point } }, 'the user name is missing or malformed'],
    [{ type: 'user.add', user: { id: 'a|b', name: 'x', role: 'member', ecdh: point, sign: point } }, 'the user id is not an id'],
    [{ type: 'user.add', user: { id: 'a', name: 'x', role: 'root', ecdh: point, sign: point } }, 'the role is not one of owner, admin, member, auditor'],
    [{ type: 'user.add', user: { id: 'a', name: 'x', role: 'member', ecdh: 'AAAA', sign: point } }, 'the ECDH key is not a public key'],
    [{ type: 'user.role', id: 'a', role: 'owner' }, 'the role is not one of admin, member, auditor'],
    [{ type: 'user.keys', id: 'a', ecdh: point, sign: point, first: { client: 7 } }, 'the client is missing or malformed'],
    [{ type: 'member.add', group: 'g' }, 'the user id is not an id'],
    [[], 'the statement is not an object'],
  ])('%j is refused: %s', (body, why) => {
    expect(() => parseBody(body)).toThrow(why);
  });

  it('drops fields it does not know (a forged extra field changes nothing the signature covers)', () => {
    expect(parseBody({ type: 'user.remove', id: 'a', role: 'owner' })).toEqual({ type: 'user.remove', id: 'a' });
  });
});

describe('pins', () => {
  it('a replaced ledger (another first link) trusts nothing', async () => {
    const l = await build();
    const v = await verifyLinks(VAULT, l.rows);
    const pin = { root: v.root!, seq: 4, head: v.head };
    const other = await build();
    const w = await verifyLinks(VAULT, other.rows);
    const held = await checkPin(VAULT, other.rows, w, pin);
    expect(held.problem?.why).toMatch(/replaced/);
    expect(held.state.users.size).toBe(0);
  });

  it('a rolled-back ledger keeps its older prefix and is reported', async () => {
    const l = await build();
    const v = await verifyLinks(VAULT, l.rows);
    const pin = { root: v.root!, seq: 4, head: v.head };
    const short = l.rows.slice(0, 3);
    const held = await checkPin(VAULT, short, await verifyLinks(VAULT, short), pin);
    expect(held.problem?.why).toMatch(/rolled back/);
    expect(held.count).toBe(3);
  });

  it('a ledger that grew since the pin is fine', async () => {
    const l = await build();
    const v = await verifyLinks(VAULT, l.rows.slice(0, 3));
    const pin = { root: v.root!, seq: 2, head: v.head };
    const all = await verifyLinks(VAULT, l.rows);
    expect((await checkPin(VAULT, l.rows, all, pin)).problem).toBeNull();
  });
});

async function forge(l: Awaited<ReturnType<typeof build>>, by: string, keys: SigningKeyPair, body: LedgerBody): Promise<LedgerRow> {
  // The attacker's own signing code: the same bytes the app signs, appended after the real head, rules not consulted.
  const { signedBytes } = await import('./codec');
  const { sign } = await import('../../crypto');
  const unsigned = { seq: l.head().count, at: 9999, by, body, prev: l.head().head };
  return { ...unsigned, sig: await sign(keys.privateKey, signedBytes(VAULT, unsigned)) };
}

describe('the signed bytes (FORMAT.md §7.1)', () => {
  it('are the JSON array of the format, vault, number, time, signer, previous hash and the statement with sorted keys', async () => {
    const { signedBytes, linkHash } = await import('./codec');
    const { utf8Decode, toHex } = await import('../../crypto');
    const link = { seq: 3, at: 1765180800000, by: 'Ab1', body: { user: 'Us9', type: 'member.add', group: 'Gr7' } as LedgerBody, prev: new Uint8Array(32).fill(1) };
    expect(utf8Decode(signedBytes('Zx3', link))).toBe('["keyward-ledger/v1","Zx3",3,1765180800000,"Ab1","AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",{"group":"Gr7","type":"member.add","user":"Us9"}]');
    // The hash is SHA-256 of exactly those bytes.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', signedBytes('Zx3', link)));
    expect(toHex(await linkHash('Zx3', link))).toBe(toHex(digest));
  });
});
