// Owns a session's first steps with the ledger (issue #14, docs/FORMAT.md §7.5): the owner starts it for a vault from
// before version 3; each user brings their own signing key; everyone checks that the ledger holds their own keys and
// that the stored rows say what the ledger says, and reports what does not (once per unlock, ids only).

import { importEcdhPrivate, open, pointFromJwk, toBase64Url } from '../../crypto';
import { DB, withTx, type LedgerBody, type UserRow } from '../../storage';
import { aad } from '../context';
import { guarded } from '../failures';
import { memberKey } from '../ledger';
import { newUserSigningKey } from '../principals';
import type { SessionContext } from './context';
import { PrincipalLedger } from './principal-ledger';

const S = DB.stores;

/** What the setup found wrong, for the integrity.failed entry and the UI (ids and plain reasons, no values). */
export interface LedgerReport {
  problem: { seq: number; why: string } | null;
  /** Rows whose role, public key or membership the ledger does not state (they are not trusted). */
  mismatched: { store: 'users' | 'groups' | 'members'; id: string; why: string }[];
}

/** Runs after the unlock entry. Never fails the unlock: a failure is part of the report. */
export async function setUpLedger(ctx: SessionContext): Promise<LedgerReport> {
  const report: LedgerReport = { problem: null, mismatched: [] };
  try {
    const rows = await guarded(() =>
      withTx(ctx.db, [S.users, S.groups, S.members], 'readonly', async (tx) => ({
        users: await tx.objectStore(S.users).getAll(),
        groups: await tx.objectStore(S.groups).getAll(),
        members: await tx.objectStore(S.members).getAll(),
      })),
    );
    const me = rows.users.find((u) => u.id === ctx.user.id);
    if (!me) return report;
    if (!ctx.ledger.active && me.role === 'owner' && me.publicKey) {
      // A vault from before version 3: its owner starts the ledger from the rows as they stand (trust on first use).
      try {
        await start(ctx, me, rows);
      } catch (error) {
        // Another tab of the owner's started it first (its write won the race): read theirs and go on with it.
        await ctx.ledger.load();
        if (!ctx.ledger.active) throw error;
      }
    } else if (ctx.ledger.active) {
      await selfCheck(ctx, me, report);
      if (!report.problem && ctx.ledger.me && (ctx.ledger.me.sign === null || ctx.ledger.signingPoint === null)) await bringSigningKey(ctx, me);
    }
    if (ctx.ledger.active) compareRows(ctx, rows, report);
  } catch (error) {
    report.problem ??= { seq: ctx.ledger.count, why: error instanceof Error ? error.message : 'the ledger could not be set up' };
  }
  report.problem ??= ctx.ledger.problem;
  if (report.problem || report.mismatched.length > 0) {
    const details = {
      store: 'ledger',
      ...(report.problem ? { seq: report.problem.seq, why: report.problem.why } : {}),
      mismatched: report.mismatched.map((m) => `${m.store}:${m.id}`).slice(0, 50),
      reasons: [...new Set(report.mismatched.map((m) => m.why))],
    };
    await ctx.writes.record({ action: 'integrity.failed', outcome: 'failed', details }).catch(() => undefined);
  }
  return report;
}

async function start(ctx: SessionContext, me: UserRow, rows: { users: UserRow[]; groups: { id: string; publicKey: JsonWebKey }[]; members: { groupId: string; userId: string }[] }): Promise<void> {
  const { sealed, ...signer } = await newUserSigningKey(me.id, ctx.key());
  const vaultId = (await guarded(() => ctx.db.get(S.meta, 'vault')))!.vaultId;
  const point = (jwk: JsonWebKey) => PrincipalLedger.point(jwk);
  const others = rows.users.filter((u) => u.id !== me.id && u.publicKey && u.role !== 'owner');
  const users = new Set([me.id, ...others.map((u) => u.id)]);
  const groups = new Set(rows.groups.map((g) => g.id));
  const bodies: LedgerBody[] = [
    { type: 'genesis', vaultId, user: { id: me.id, name: me.name, role: 'owner', ecdh: point(me.publicKey!), sign: signer.point } },
    ...others.map((u): LedgerBody => ({ type: 'user.add', user: { id: u.id, name: u.name, role: u.role, ecdh: point(u.publicKey!), sign: null } })),
    ...rows.groups.map((g): LedgerBody => ({ type: 'group.add', id: g.id, ecdh: point(g.publicKey) })),
    ...rows.members.filter((m) => groups.has(m.groupId) && users.has(m.userId)).map((m): LedgerBody => ({ type: 'member.add', group: m.groupId, user: m.userId })),
  ];
  await ctx.writes.write(
    [S.users],
    [{ action: 'user.keys', details: { userId: me.id, ledger: 'started', links: bodies.length } }],
    async (tx) => {
      const row = await tx.objectStore(S.users).get(me.id);
      if (row) await tx.objectStore(S.users).put({ ...row, sealedSigningKey: sealed });
    },
    { links: () => ctx.ledger.prepare(bodies, { signer, genesis: true }) },
  );
  ctx.ledger.useSigningKey(signer);
}

/** The ledger must hold this user's own keys: the public halves of the private keys sealed under their user key. */
async function selfCheck(ctx: SessionContext, me: UserRow, report: LedgerReport): Promise<void> {
  const mine = ctx.ledger.me;
  if (!mine) {
    // Removed users have no row; a user with a row the ledger does not hold was never certified, or the ledger was
    // started by someone else (a forged "owner" row in the upgrade's window): said, and nothing is signed.
    if (!ctx.ledger.problem) report.problem = { seq: ctx.ledger.count, why: me.role === 'owner' ? 'the ledger was started by someone other than you, the owner' : 'you are not in the verified list of users' };
    return;
  }
  if (me.sealedPrivateKey) {
    const pkcs8 = await open(ctx.key(), me.sealedPrivateKey, aad.userPrivate(me.id));
    try {
      const jwk = await crypto.subtle.exportKey('jwk', await importEcdhPrivate(pkcs8, true));
      if (toBase64Url(pointFromJwk(jwk)) !== mine.ecdh) report.problem = { seq: ctx.ledger.count, why: 'the ledger holds an encryption key for you that is not yours' };
    } finally {
      pkcs8.fill(0);
    }
  }
  const held = ctx.ledger.signingPoint;
  if (mine.sign !== null && held !== null && held !== mine.sign) report.problem = { seq: ctx.ledger.count, why: 'the ledger holds a signing key for you that is not yours' };
  if (mine.sign !== null && held === null) report.problem = { seq: ctx.ledger.count, why: 'the ledger holds a signing key for you that you never made' };
}

/** A user certified by the upgrade (no signing key in the ledger) makes theirs and states it, signed with it. */
async function bringSigningKey(ctx: SessionContext, me: UserRow): Promise<void> {
  const mine = ctx.ledger.me!;
  if (mine.sign !== null) return;
  const { sealed, ...signer } = await newUserSigningKey(me.id, ctx.key());
  const body: LedgerBody = { type: 'user.keys', id: me.id, ecdh: mine.ecdh, sign: signer.point, first: null };
  await ctx.writes.write(
    [S.users],
    [{ action: 'user.keys', details: { userId: me.id, signingKey: 'made' } }],
    async (tx) => {
      const row = await tx.objectStore(S.users).get(me.id);
      if (row) await tx.objectStore(S.users).put({ ...row, sealedSigningKey: sealed });
    },
    { links: () => ctx.ledger.prepare([body], { signer }) },
  );
  ctx.ledger.useSigningKey(signer);
}

/** Rows that say something the ledger does not: a role, a public key, a membership. The ledger wins; they are reported. */
function compareRows(ctx: SessionContext, rows: { users: UserRow[]; groups: { id: string; publicKey: JsonWebKey }[]; members: { groupId: string; userId: string }[] }, report: LedgerReport): void {
  const state = ctx.ledger.state!;
  const point = (jwk: JsonWebKey | undefined) => {
    try {
      return jwk ? PrincipalLedger.point(jwk) : null;
    } catch {
      return null;
    }
  };
  for (const u of rows.users) {
    const l = state.users.get(u.id);
    if (!l) report.mismatched.push({ store: 'users', id: u.id, why: 'a user the ledger does not hold' });
    else if (l.role !== u.role) report.mismatched.push({ store: 'users', id: u.id, why: 'a role the ledger does not give' });
    else if (point(u.publicKey) !== l.ecdh) report.mismatched.push({ store: 'users', id: u.id, why: 'a public key the ledger does not hold' });
  }
  for (const g of rows.groups) {
    const l = state.groups.get(g.id);
    if (!l) report.mismatched.push({ store: 'groups', id: g.id, why: 'a group the ledger does not hold' });
    else if (point(g.publicKey) !== l.ecdh) report.mismatched.push({ store: 'groups', id: g.id, why: 'a public key the ledger does not hold' });
  }
  for (const m of rows.members) {
    if (!state.members.has(memberKey(m.groupId, m.userId))) report.mismatched.push({ store: 'members', id: `${m.groupId}/${m.userId}`, why: 'a membership the ledger does not hold' });
  }
}
