// Owns the vault's settings as a session uses them: the ones in force, reloading them when another tab changed
// them, and changing them (checked, logged).

import { DB } from '../../storage';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import type { Settings } from '../types';
import { checkSettings } from '../validate';
import type { SessionContext } from './context';

const S = DB.stores;

export class SessionSettings {
  readonly #ctx: SessionContext;
  #settings: Settings;

  constructor(ctx: SessionContext, settings: Settings) {
    this.#ctx = ctx;
    this.#settings = { ...settings };
  }

  current(): Settings {
    this.#ctx.key();
    return { ...this.#settings };
  }

  /**
   * Reads the vault's settings again (another tab may have changed them): returns them, and uses them from now
   * on. Stored settings that fail their checks leave the ones in use unchanged.
   */
  async reload(): Promise<Settings> {
    this.#ctx.key();
    const meta = await guarded(() => this.#ctx.db.get(S.meta, 'vault'));
    try {
      if (meta) this.#settings = checkSettings(meta.settings);
    } catch {
      // Keep what this session has: a damaged row is reported where it is written, not here.
    }
    return { ...this.#settings };
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    await this.#ctx.guard.authorize('settings.change');
    const next = checkSettings({ ...this.#settings, ...patch });
    await this.#ctx.writes.write([S.meta], [{ action: 'settings.change', details: { ...next } }], async (tx) => {
      const meta = await tx.objectStore(S.meta).get('vault');
      if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
      await tx.objectStore(S.meta).put({ ...meta, settings: next });
    });
    this.#settings = next;
    return { ...next };
  }
}
