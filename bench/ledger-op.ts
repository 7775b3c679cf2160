// Owns the ledger benchmark (issue #14): `ledger_verify` times checking a ledger of 1,000 links as unlock does (shape,
// hash chain, ECDSA P-256 signature, rules), beside a floor of the same 1,000 signature checks and SHA-256 hashes alone.

import { fromBase64Url, generateEcdhKeyPair, generateSigningKeyPair, importVerifyKey, pointFromJwk, sha256, toBase64Url, verify } from '../src/crypto';
import { emptyState, makeLinks, NO_PREV, signedBytes, verifyLinks } from '../src/vault/ledger';
import type { LedgerBody, LedgerRow } from '../src/storage';
import type { FloorPart } from './floors';

const LINKS = 1_000;
const VAULT = 'bench-vault';

/** 1,000 links as an admin's day-to-day makes them: users added, groups made, members added and removed, roles changed. */
async function ledgerOf(): Promise<LedgerRow[]> {
  const owner = await generateSigningKeyPair();
  const ecdh = toBase64Url(pointFromJwk((await generateEcdhKeyPair()).publicKey));
  const point = toBase64Url(owner.publicKey);
  const bodies: LedgerBody[] = [{ type: 'genesis', vaultId: VAULT, user: { id: 'owner', name: 'Owner', role: 'owner', ecdh, sign: point } }];
  bodies.push({ type: 'group.add', id: 'group0', ecdh });
  for (let i = 0; bodies.length < LINKS; i++) {
    const id = `user${i}`;
    bodies.push({ type: 'user.add', user: { id, name: `User ${i}`, role: 'member', ecdh, sign: point } });
    if (bodies.length < LINKS) bodies.push({ type: 'member.add', group: 'group0', user: id });
    if (bodies.length < LINKS && i % 3 === 0) bodies.push({ type: 'user.role', id, role: 'auditor' });
  }
  const made = await makeLinks(VAULT, emptyState(VAULT), { count: 0, head: NO_PREV }, 'owner', { key: owner.privateKey, point }, bodies.slice(0, LINKS), Date.UTC(2026, 11, 8));
  return made.rows;
}

export function ledgerVerifyOperation() {
  let rows: LedgerRow[] | null = null;
  const links = async () => (rows ??= await ledgerOf());
  return {
    name: 'ledger_verify',
    runs: 5,
    warmup: true,
    prepare: async () => {
      const all = await links();
      return async () => {
        const v = await verifyLinks(VAULT, all);
        if (v.count !== LINKS || v.problem) throw new Error('bench: the ledger did not verify');
        return v;
      };
    },
    floor: async (): Promise<FloorPart[]> => {
      const all = await links();
      const bytes = all.map((r) => signedBytes(VAULT, r));
      const genesis = all[0]!.body;
      if (genesis.type !== 'genesis' || !genesis.user.sign) throw new Error('bench: no genesis');
      const verifyKey = await importVerifyKey(fromBase64Url(genesis.user.sign));
      return [
        { label: `${LINKS}× ECDSA P-256 verify`, run: async () => Promise.all(all.map((r, i) => verify(verifyKey, r.sig, bytes[i]!))) },
        { label: `${LINKS}× SHA-256 of the signed bytes`, run: async () => Promise.all(bytes.map((b) => sha256(b))) },
      ];
    },
  };
}
