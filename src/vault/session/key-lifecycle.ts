// Owns a key's life after it is made (NIST SP 800-57): rotation and its policy, states and compromise, retired and
// trimmed versions, scheduled destruction, removal, and the work that falls due with time.

import { allRequests, DB, type VersionRow } from '../../storage';
import { atLeast } from '../access';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { addDays, isLegalTransition, nextRotationAt } from '../lifecycle';
import { checkDestructionDays, checkKeepVersions, checkReason, checkRotation } from '../validate';
import type { KeyEvent, KeyId, KeyState, KeySummary } from '../types';
import { seal } from '../../crypto';
import type { SessionContext } from './context';
import { versionRow } from '../key-fields';
import { commitKeyChange, rotateAs, versionFactsOf } from './key-commit';
import { upgradeLegacyRows } from './key-upgrade';
import { canAutoRotate, rotationOf, SYSTEM_ACTOR, type Held } from './held';
import { nextMaterial } from './material';

const S = DB.stores;

export interface DueWork {
  activated: KeyId[];
  rotated: KeyId[];
  destroyed: KeyId[];
  /** Legacy key rows sealed again with their authenticated fields (issue #14), before the work below. */
  upgraded?: number;
}

export class KeyLifecycle {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Makes version n+1. Generated keys get fresh material; a pasted secret or imported key needs `value`
   * (the new value from its provider, or the new key as PEM/JWK/hex/base64).
   */
  async rotate(id: KeyId, options: { value?: string } = {}): Promise<KeySummary> {
    await this.#ctx.guard.authorize('key.rotate', id);
    return rotateAs(this.#ctx, id, options.value, this.#ctx.user.id);
  }

  /**
   * Moves a key to another state (NIST SP 800-57). "compromised" needs a reason and forces a rotation:
   * a key that can make its own material is rotated at once (the key stays active on a new version);
   * otherwise it stays compromised until rotated with a new value (`value` here does it in one step).
   */
  async setState(id: KeyId, to: KeyState, options: { reason?: string; value?: string } = {}): Promise<KeySummary> {
    // Reporting a compromise forces a rotation: a rotate grant is enough. Other state changes are management.
    await this.#ctx.guard.authorize(to === 'compromised' ? 'key.rotate' : 'key.manage', id);
    return this.#setStateAs(id, to, options, this.#ctx.user.id);
  }

  async #setStateAs(id: KeyId, to: KeyState, options: { reason?: string; value?: string }, actor: string): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.ring.get(id);
    const from = held.row.state;
    if (!isLegalTransition(from, to)) throw new VaultError('IllegalTransition', `a ${from} key cannot become ${to}`);
    const now = ctx.clock.now();
    if (to !== 'compromised') {
      return commitKeyChange(ctx, id, held, () => ({
        row: { ...held.row, state: to, stateChangedAt: now, ...(to === 'active' && from === 'pre-activation' ? { lastRotatedAt: now } : {}) },
        meta: { ...held.meta, history: [...held.meta.history, { at: now, actor, action: 'state', from, to }] },
      }));
    }
    const reason = checkReason(options.reason);
    const event: KeyEvent = { at: now, actor, action: 'state', from, to: 'compromised', reason, version: held.row.currentVersion };
    const current = await guarded(() => ctx.db.get(S.versions, [id, held.row.currentVersion]));
    if (!current) throw new VaultError('Corrupt', 'the current version of this key is missing');
    const [createdAt, origin, destroyedAt] = (await versionFactsOf(ctx, held))[held.row.currentVersion - 1]!;
    const flagged: VersionRow = versionRow(id, current.version, [createdAt, origin, destroyedAt, now], current.sealedValue);
    // A key waiting for destruction is marked, not rotated: it is not to be used again.
    if (held.row.destroyAt === null && (options.value !== undefined || canAutoRotate(held))) {
      const fresh = await nextMaterial(held, options.value);
      const dek = await ctx.ring.dek(id);
      const version = held.row.currentVersion + 1;
      const sealedValue = await guarded(() => seal(dek, fresh.material, aad.value(id, version)));
      const after = from === 'pre-activation' ? 'active' : from;
      return commitKeyChange(ctx, id, held, () => ({
        row: { ...held.row, currentVersion: version, lastRotatedAt: now, state: after, stateChangedAt: now },
        meta: {
          ...held.meta,
          compromiseReason: null,
          history: [...held.meta.history, event, { at: now, actor, action: 'rotated', version }, { at: now, actor, action: 'state', from: 'compromised', to: after, version }],
        },
        addVersions: [{ keyId: id, version, createdAt: now, origin: fresh.origin, sealedValue, destroyedAt: null, compromisedAt: null }],
        putVersions: [flagged],
      }));
    }
    return commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, state: 'compromised', stateChangedAt: now },
      meta: { ...held.meta, compromiseReason: reason, history: [...held.meta.history, event] },
      putVersions: [flagged],
    }));
  }

  async setRotationPolicy(id: KeyId, policy: { periodDays: number | null; auto: boolean }): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.rotate', id);
    const clean = checkRotation(policy);
    const now = ctx.clock.now();
    return commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, rotationDays: clean.periodDays, autoRotate: clean.auto },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: ctx.user.id, action: 'policy', reason: clean.periodDays === null ? 'no rotation period' : `every ${clean.periodDays} days${clean.auto ? ', automatic' : ''}` }] },
    }));
  }

  /** Retires every version below `version` (Vault's min_decryption_version): kept, no longer usable. */
  async setOldestUsableVersion(id: KeyId, version: number): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.rotate', id);
    if (!Number.isInteger(version) || version < 1 || version > held.row.currentVersion) {
      throw new VaultError('InvalidInput', `the oldest usable version must be from 1 to ${held.row.currentVersion}`, { field: 'oldestUsableVersion' });
    }
    const now = ctx.clock.now();
    return commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, minVersion: version },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: ctx.user.id, action: 'oldest-usable', version }] },
    }));
  }

  async setKeepVersions(id: KeyId, count: number): Promise<KeySummary> {
    const held = await this.#ctx.guard.authorize('key.rotate', id);
    const keep = checkKeepVersions(count);
    return commitKeyChange(this.#ctx, id, held, () => ({ row: { ...held.row, keepVersions: keep }, meta: held.meta }));
  }

  /** Destroys the material of every version older than the last `keepVersions`. Returns how many. */
  async trimVersions(id: KeyId): Promise<number> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.rotate', id);
    const cutoff = held.row.currentVersion - held.row.keepVersions; // versions ≤ cutoff go
    if (cutoff < 1) return 0;
    const rows = await guarded(() => ctx.db.getAllFromIndex(S.versions, 'byKey', id));
    const facts = await versionFactsOf(ctx, held);
    const now = ctx.clock.now();
    const doomed = rows
      .filter((v) => v.version >= 1 && v.version <= cutoff && (v.sealedValue !== null || facts[v.version - 1]![2] === null))
      .map((v) => {
        const [createdAt, origin, destroyedAt, compromisedAt] = facts[v.version - 1]!;
        return versionRow(id, v.version, [createdAt, origin, destroyedAt ?? now, compromisedAt], null);
      });
    if (doomed.length === 0) return 0;
    await commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, minVersion: Math.max(held.row.minVersion, cutoff + 1) },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: ctx.user.id, action: 'versions-trimmed', version: cutoff }] },
      putVersions: doomed,
    }));
    return doomed.length;
  }

  /** Deleting a key schedules its destruction after `days` (7–30, default 30), cancellable until then. */
  async scheduleDestruction(id: KeyId, days?: number): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    if (held.row.state === 'destroyed') throw new VaultError('IllegalTransition', 'this key is already destroyed');
    const wait = checkDestructionDays(days);
    const now = ctx.clock.now();
    const destroyAt = addDays(now, wait);
    return commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, destroyAt },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: ctx.user.id, action: 'destruction-scheduled', reason: `in ${wait} days` }] },
    }));
  }

  async cancelDestruction(id: KeyId): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    if (held.row.destroyAt === null) throw new VaultError('IllegalTransition', 'no destruction is scheduled for this key');
    const now = ctx.clock.now();
    return commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, destroyAt: null },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: ctx.user.id, action: 'destruction-cancelled' }] },
    }));
  }

  /** Removes a destroyed key's remaining record (its metadata) for good. */
  async remove(id: KeyId): Promise<void> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    if (held.row.state !== 'destroyed') throw new VaultError('IllegalTransition', 'only a destroyed key can be removed; schedule its destruction first');
    await ctx.writes.write([S.keys, S.versions, S.grants], [{ action: 'key.remove', keyId: id }], async (tx) => {
      const versions = tx.objectStore(S.versions);
      const grants = tx.objectStore(S.grants);
      const [versionKeys, grantKeys] = await Promise.all([versions.index('byKey').getAllKeys(id), grants.index('byKey').getAllKeys(id)]);
      await allRequests([() => tx.objectStore(S.keys).delete(id), ...versionKeys.map((k) => () => versions.delete(k)), ...grantKeys.map((k) => () => grants.delete(k))]);
    });
    ctx.ring.drop(id);
  }

  /**
   * Work that falls due with time, run on unlock and every minute while open: activations whose time
   * came, automatic rotations of generated keys, and destructions whose waiting period ended.
   */
  async runDueWork(): Promise<DueWork> {
    const ctx = this.#ctx;
    // Legacy rows this session can seal are upgraded first (in batches); due work then acts on verified rows only.
    const upgraded = await upgradeLegacyRows(ctx);
    const held = await ctx.ring.load();
    const now = ctx.clock.now();
    const done: DueWork = { activated: [], rotated: [], destroyed: [], ...(upgraded > 0 ? { upgraded } : {}) };
    for (const [id, h] of [...held.entries()]) {
      if (ctx.locked) break;
      // Issue #14: only a row whose fields are sealed under its DEK drives due work (a row that differs is not held).
      if (h.fields === null) continue;
      // Due work is done by whoever holds the key at the level the change needs; others leave it to them.
      if (!atLeast(h.permission, 'rotate')) continue;
      if (h.row.destroyAt !== null && h.row.destroyAt <= now && !atLeast(h.permission, 'manage')) continue;
      if (h.row.destroyAt !== null && h.row.destroyAt <= now) {
        await this.#destroy(id, h);
        done.destroyed.push(id);
        continue;
      }
      if (h.row.state === 'pre-activation' && h.row.activationAt !== null && h.row.activationAt <= now) {
        await this.#setStateAs(id, 'active', {}, SYSTEM_ACTOR);
        done.activated.push(id);
      }
      const current = held.get(id)!;
      const due = nextRotationAt(current.row.state, rotationOf(current.row), current.row.lastRotatedAt, current.row.currentCompromisedAt);
      if (current.row.autoRotate && current.row.state === 'active' && current.row.destroyAt === null && due !== null && due <= now && canAutoRotate(current)) {
        await rotateAs(ctx, id, undefined, SYSTEM_ACTOR);
        done.rotated.push(id);
      }
    }
    return done;
  }

  async #destroy(id: KeyId, held: Held): Promise<void> {
    const ctx = this.#ctx;
    const facts = await versionFactsOf(ctx, held);
    const now = ctx.clock.now();
    await commitKeyChange(ctx, id, held, () => ({
      row: { ...held.row, state: 'destroyed', stateChangedAt: now, destroyAt: null },
      meta: { ...held.meta, history: [...held.meta.history, { at: now, actor: SYSTEM_ACTOR, action: 'destroyed', from: held.row.state, to: 'destroyed' }] },
      // Destruction erases the material of every version; the record's metadata stays (NIST "destroyed").
      putVersions: facts.map(([createdAt, origin, destroyedAt, compromisedAt], i) => versionRow(id, i + 1, [createdAt, origin, destroyedAt ?? now, compromisedAt], null)),
    }));
  }
}
