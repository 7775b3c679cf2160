// Owns the app's top-level state: which screen (and which view of the vault) shows, the open session, settings,
// auto-lock, the due-work timer, vault-level key changes (password, user key), the audit log check at unlock,
// backups (export, status, restore, merge) and the lock itself.

import {
  IdleLock,
  systemClock,
  TabSync,
  VaultError,
  type BackupPreview,
  type ChainBreak,
  type ChainResult,
  type Clock,
  type Session,
  type Settings,
  type TabMessage,
  type UserId,
  type Vault,
} from '../vault';
import type { AuditState } from './audit-state.svelte';
import { ClipboardGuard } from './clipboard.svelte';
import type { DeviceControls } from './contracts';
import type { KeysState } from './keys-state.svelte';
import { kdfUpgradeText } from './format';
import { startLoad } from './lazy';
import { errorMessage, TAB_MESSAGES } from './messages';
import type { MergePreview } from './restore-state.svelte';

type UnlockedParts = typeof import('./unlocked-parts');

/**
 * The state that exists only while unlocked (key list, audit state…) loads on demand (issue #7): started when
 * "Unlock" or "Create vault" is pressed, so it loads while the key derivation runs. A failure is LoadError.
 */
const loadUnlockedParts = (): Promise<UnlockedParts> => startLoad(() => import('./unlocked-parts'));

/** 'password': a user added with a one-time password chooses their own before anything else (issue #6). */
export type Screen = 'loading' | 'create' | 'unlock' | 'password' | 'vault' | 'removed' | 'error' | 'reload';
/**
 * 'other-tab': "Lock" or auto-lock in another tab; 'rekeyed': another tab rotated the user key or replaced
 * the vault; 'switch': "Switch user" locked so that someone else can sign in.
 */
export type LockReason = 'manual' | 'idle' | 'update' | 'other-tab' | 'rekeyed' | 'switch';
/** What the unlocked vault screen shows below its header. */
export type VaultView = 'keys' | 'audit' | 'backup' | 'users';

/** A backup is due when the last one is older than this (or keys changed since, or there is none). */
export const BACKUP_REMINDER_DAYS = 7;
export const RESTORED_NOTICE = 'Restored. Unlock with the vault password the backup was made with.';

export interface BackupStatus {
  readonly lastAt: number | null;
  readonly due: boolean;
  readonly changedSince: boolean;
}

/** Activations, automatic rotations and scheduled destructions are run this often while unlocked. */
export const DUE_WORK_INTERVAL_MS = 60_000;

/** Activity is told to the other tabs at most this often (their auto-lock deadlines follow this tab's). */
export const ACTIVITY_BROADCAST_MS = 5_000;

/** What the app asks of the database connection: to hear when it must give way (ARCHITECTURE §3). */
export interface VaultConnectionHooks {
  /** Another tab opened a newer schema version (or deleted the database: null): this tab's connection is closed. */
  onVersionChange: (newVersion: number | null) => void;
  /** The browser closed the connection by itself. */
  onTerminated: () => void;
}

export interface AppStateOptions {
  loadVault: (hooks: VaultConnectionHooks) => Promise<Vault>;
  device: DeviceControls;
  clock?: Clock;
  /** The link to the other tabs; default a TabSync on a BroadcastChannel, null for none. */
  tabs?: TabSync | null;
}

/** Resolves once the next frame has painted; at most ~100 ms later where no frame comes (a hidden tab, tests). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve()), 0));
    }
  });
}

export class AppState {
  readonly #loadVault: (hooks: VaultConnectionHooks) => Promise<Vault>;
  readonly #tabs: TabSync | null;
  #stopTabs: (() => void) | null = null;
  #lastActivityBroadcast = Number.NEGATIVE_INFINITY;
  readonly #device: DeviceControls;
  readonly #clock: Clock;
  readonly #clipboard: ClipboardGuard;

  #vault: Vault | null = null;
  /** The unlocked state's code, once loaded (it stays: a later unlock needs no second load). */
  #parts: UnlockedParts | null = null;
  #idle: IdleLock | null = null;
  #calibration: Promise<number | undefined> | null = null;
  #dueTimer: ReturnType<typeof setInterval> | undefined;
  /** The session a due-work run is going for (one run at a time per session). */
  #dueRunningFor: Session | null = null;

  #screen = $state<Screen>('loading');
  #errorText = $state('');
  #session = $state.raw<Session | null>(null);
  #keys = $state.raw<KeysState | null>(null);
  #settings = $state.raw<Settings | null>(null);
  #users = $state.raw<readonly { id: UserId; name: string }[]>([]);
  /** Who the unlock screen's picker starts on: the person who was signed in (none after "Switch user"). */
  #lastUserId = $state<UserId | null>(null);
  #iterations = $state<number | null>(null);
  #persisted = $state<boolean | undefined>(undefined);
  #lockNotice = $state('');
  #kdfIterations = $state(0);
  /** Once per unlock: the KDF cost was raised. */
  #kdfNotice = $state('');
  /** What the last due-work run did by itself, in a sentence ('' when nothing). */
  #dueNotice = $state('');
  #view = $state<VaultView>('keys');
  #audit = $state.raw<AuditState | null>(null);
  /** Set when the chain check (at unlock, or "Verify log") found the audit log broken. */
  #logBreak = $state.raw<ChainBreak | null>(null);
  #backup = $state.raw<BackupStatus | null>(null);
  /** A one-line outcome on the vault screen ("Merged: 2 added, 1 replaced", "Backup saved as …"); '' when none. */
  #notice = $state('');

  constructor(options: AppStateOptions) {
    this.#loadVault = options.loadVault;
    this.#device = options.device;
    this.#clock = options.clock ?? systemClock;
    this.#clipboard = new ClipboardGuard(options.device);
    this.#tabs = options.tabs !== undefined ? options.tabs : new TabSync();
    this.#stopTabs = this.#tabs?.listen((message) => this.#fromOtherTab(message)) ?? null;
  }

  get screen(): Screen {
    return this.#screen;
  }
  /** Plain words for the 'error' and 'reload' screens. */
  get errorText(): string {
    return this.#errorText;
  }
  get session(): Session | null {
    return this.#session;
  }
  get keys(): KeysState | null {
    return this.#keys;
  }
  get settings(): Settings | null {
    return this.#settings;
  }
  get clipboard(): ClipboardGuard {
    return this.#clipboard;
  }
  /** People who can unlock this vault (one, the owner, until more users exist). */
  get users(): readonly { id: UserId; name: string }[] {
    return this.#users;
  }
  /** The person the unlock screen's picker starts on; null: nobody chosen yet. */
  get lastUserId(): UserId | null {
    return this.#lastUserId;
  }
  /** PBKDF2 iterations a new vault will use here, once measured. */
  get calibratedIterations(): number | null {
    return this.#iterations;
  }
  /** navigator.storage persistence: true, false, or undefined where the browser does not say. */
  get storagePersisted(): boolean | undefined {
    return this.#persisted;
  }
  /** Why the vault was locked, shown on the unlock screen; '' after a manual lock. */
  get lockNotice(): string {
    return this.#lockNotice;
  }

  /** PBKDF2 iterations protecting the signed-in person's user key. */
  get kdfIterations(): number {
    return this.#kdfIterations;
  }
  /** "Key derivation strengthened from X to Y iterations." after an unlock that raised it; '' otherwise. */
  get kdfNotice(): string {
    return this.#kdfNotice;
  }
  /** What scheduled work just did (automatic rotations, destructions, activations); '' when nothing. */
  get dueNotice(): string {
    return this.#dueNotice;
  }

  /** Keys, Audit or Backups, while unlocked. */
  get view(): VaultView {
    return this.#view;
  }
  get audit(): AuditState | null {
    return this.#audit;
  }
  /** Where the audit chain is broken, when a check found it broken; null otherwise. */
  get logBreak(): ChainBreak | null {
    return this.#logBreak;
  }
  /** When the last backup was made and whether one is due; null until read. */
  get backupStatus(): BackupStatus | null {
    return this.#backup;
  }
  get notice(): string {
    return this.#notice;
  }

  setView(view: VaultView): void {
    this.#view = view;
  }

  dismissNotice(): void {
    this.#notice = '';
  }

  dismissKdfNotice(): void {
    this.#kdfNotice = '';
  }

  dismissDueNotice(): void {
    this.#dueNotice = '';
  }

  /** Opens the vault and picks the first screen. Never rejects: failures become the 'error' screen. */
  async start(): Promise<void> {
    this.#screen = 'loading';
    try {
      this.#vault ??= await this.#loadVault({ onVersionChange: (newVersion) => this.#mustReload(newVersion === null ? TAB_MESSAGES.databaseDeleted : TAB_MESSAGES.newerVersion), onTerminated: () => this.#mustReload(TAB_MESSAGES.connectionLost) });
      if (await this.#vault.exists()) {
        this.#users = await this.#vault.users();
        this.#screen = 'unlock';
      } else if (this.#device.vaultMarker.get()) {
        // The marker outlives IndexedDB: a vault was here and the browser removed it (ARCHITECTURE §3).
        this.#screen = 'removed';
      } else {
        this.#enterCreate();
      }
    } catch (error) {
      this.#errorText = errorMessage(error);
      this.#screen = 'error';
    }
  }

  /** From the 'removed' screen: forget the old vault and start over. */
  startNew(): void {
    this.#device.vaultMarker.clear();
    this.#enterCreate();
  }

  /** Creates the vault and signs its owner in. Throws VaultError for the form to show. */
  async createVault(input: { ownerName: string; password: string }): Promise<void> {
    const vault = this.#requireVault();
    const parts = this.#parts !== null ? Promise.resolve(this.#parts) : loadUnlockedParts();
    const iterations = (await this.#calibration) ?? undefined;
    const session = await vault.create({ ownerName: input.ownerName, password: input.password, iterations });
    this.#device.vaultMarker.set();
    this.#users = [{ id: session.user.id, name: session.user.name }];
    this.#begin(session, await this.#partsFor(session, parts));
    // Ask once, right after the first save; the answer shows in Settings. Not awaited: some browsers prompt.
    this.#device.persistStorage().then(
      (persisted) => (this.#persisted = persisted),
      () => (this.#persisted = undefined),
    );
  }

  /** Unlocks the vault. Throws VaultError('WrongPassword') for the form to show. */
  async unlock(input: { password: string; userId?: UserId }): Promise<void> {
    const vault = this.#requireVault();
    const parts = this.#parts !== null ? Promise.resolve(this.#parts) : loadUnlockedParts();
    const session = await vault.unlock(input);
    // The marker may be gone (site data partly cleared) while the vault survived; put it back.
    if (!this.#device.vaultMarker.get()) this.#device.vaultMarker.set();
    this.#begin(session, await this.#partsFor(session, parts));
    void this.refreshPersisted();
  }

  /**
   * The first unlock of a user added with a one-time password: their own password replaces it, then the vault opens.
   * Throws VaultError: WrongPassword for `current`, PasswordTooShort or InvalidInput('password') for `next`.
   */
  async completePasswordChange(current: string, next: string): Promise<void> {
    const session = this.#requireSession();
    await session.credentials.changePassword(current, next);
    if (this.#session !== session) return;
    this.#kdfIterations = session.kdfIterations;
    this.#enterVault(session, this.#loadedParts());
  }

  /** "Switch user": locks (dropping every value) and shows the unlock screen with the picker, nobody chosen. */
  switchUser(): Promise<void> {
    const done = this.lock('switch');
    this.#lastUserId = null;
    return done;
  }

  /**
   * Drops the session and every value in memory, clears the clipboard if we wrote to it and shows the unlock screen.
   * The screen changes at once; the promise settles when the clipboard is cleared.
   */
  lock(reason: LockReason = 'manual'): Promise<void> {
    // "Lock" here locks every tab (and so does auto-lock); a lock heard from another tab is not echoed.
    if (this.#session !== null && (reason === 'manual' || reason === 'idle')) this.#tabs?.announce({ type: 'lock' });
    this.#idle?.stop();
    this.#idle = null;
    this.#stopDueWork();
    this.#kdfNotice = '';
    this.#dueNotice = '';
    this.#notice = '';
    this.#view = 'keys';
    this.#logBreak = null;
    this.#backup = null;
    this.#audit?.dispose();
    this.#audit = null;
    this.#keys?.dispose();
    this.#keys = null;
    const session = this.#session;
    this.#session = null;
    this.#settings = null;
    try {
      session?.lock();
    } catch {
      // Already locked: nothing left to drop.
    }
    if (session !== null) {
      this.#lastUserId = session.user.id;
      this.#lockNotice =
        reason === 'idle'
          ? 'Locked after a period without activity.'
          : reason === 'update'
            ? 'Locked to install an update.'
            : reason === 'other-tab'
              ? TAB_MESSAGES.lockedElsewhere
              : reason === 'rekeyed'
                ? TAB_MESSAGES.rekeyedElsewhere
                : '';
      this.#screen = 'unlock';
      // An admin may have added or removed people meanwhile: the picker lists who can unlock now.
      void this.refreshUsers();
    }
    return this.#clipboard.clear();
  }

  /** Activity (pointer or key): pushes the auto-lock deadline back. */
  touch(): void {
    this.#idle?.touch();
    if (this.#idle === null) return;
    const now = this.#clock.now();
    if (now - this.#lastActivityBroadcast >= ACTIVITY_BROADCAST_MS) {
      this.#lastActivityBroadcast = now;
      this.#tabs?.announce({ type: 'activity' });
    }
  }

  /** The page became visible or got focus: lock at once if the deadline passed while hidden; finish a refused clipboard clear. */
  check(): void {
    this.#idle?.check();
    this.#clipboard.retryPendingClear();
  }

  /** Saves settings and applies the new auto-lock time. Throws VaultError('InvalidInput', field) for the form. */
  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const session = this.#requireSession();
    const settings = await session.settings.update(patch);
    if (this.#session !== session) return settings;
    this.#settings = settings;
    this.#idle?.setTimeoutMs(settings.autoLockMinutes * 60_000);
    return settings;
  }

  /**
   * Changes the signed-in person's password. Only the user key is wrapped again: no key record is re-encrypted.
   * Throws VaultError: WrongPassword for `current`, PasswordTooShort for `next`.
   */
  async changePassword(current: string, next: string): Promise<void> {
    const session = this.#requireSession();
    await session.credentials.changePassword(current, next);
    if (this.#session === session) this.#kdfIterations = session.kdfIterations;
  }

  /** Replaces the user key and re-wraps every data key under it; returns how many were re-wrapped. */
  async rotateUserKey(password: string): Promise<number> {
    const session = this.#requireSession();
    const count = await session.credentials.rotateUserKey(password);
    // Other tabs hold the old user key: anything they wrapped under it now would be lost. They lock.
    this.#tabs?.announce({ type: 'rekeyed' });
    if (this.#session === session) this.#kdfIterations = session.kdfIterations;
    return count;
  }

  /**
   * Runs the work that falls due with time (activations, automatic rotations, destructions whose wait ended),
   * refreshes the list and says in one sentence what happened. Never rejects; one run at a time.
   */
  async runDueWork(): Promise<void> {
    const session = this.#session;
    const keys = this.#keys;
    const parts = this.#parts;
    if (session === null || keys === null || parts === null || this.#dueRunningFor === session) return;
    this.#dueRunningFor = session;
    try {
      const done = await session.lifecycle.runDueWork();
      if (this.#session !== session) return;
      // Nothing done (the usual minute): only the due badges move on. Re-reading every key would rebuild the
      // list, its order and its search index for nothing (issue #7: 10,000 keys).
      if (done.activated.length + done.rotated.length + done.destroyed.length > 0) await keys.refresh();
      else keys.tick();
      const sentence = parts.dueWorkSentence(done, (id) => keys.keys.find((key) => key.id === id)?.name);
      if (sentence !== '') this.#dueNotice = sentence;
      await this.refreshBackupStatus();
    } catch (error) {
      // A lock during the run is not a problem to report.
      if (this.#session === session && !(error instanceof VaultError && error.code === 'Locked')) {
        this.#dueNotice = `Scheduled key work could not run: ${errorMessage(error)}`;
      }
    } finally {
      if (this.#dueRunningFor === session) this.#dueRunningFor = null;
    }
  }

  /** Reads when the last backup was made and whether one is due (admins only: others are refused). Never rejects. */
  async refreshBackupStatus(): Promise<void> {
    const session = this.#session;
    // The unlocked state's code is loaded whenever a session shows the vault screen.
    const parts = this.#parts;
    if (session === null || parts === null || this.#screen !== 'vault' || !parts.roleAllows(session.user.role, 'backup.export')) return;
    try {
      const status = await session.backup.status(BACKUP_REMINDER_DAYS);
      if (this.#session === session) this.#backup = status;
    } catch {
      // Locked meanwhile, or storage refused: the reminder waits for the next read.
    }
  }

  /**
   * Makes an encrypted backup of the whole vault and returns its file name and bytes for the page to download.
   * Throws VaultError: PasswordTooShort for an own backup password, WrongPassword for the vault password.
   */
  async exportBackup(options: { password: string; useVaultPassword: boolean }): Promise<{ filename: string; bytes: Uint8Array }> {
    const session = this.#requireSession();
    const file = await session.backup.export(options);
    if (this.#session === session) {
      this.#notice = `Backup saved as ${file.filename}. Keep it somewhere other than this device.`;
      await this.refreshBackupStatus();
    }
    return file;
  }

  /** "Check backup file": what a backup holds and how it relates to this browser's vault. Changes nothing. */
  inspectBackup(bytes: Uint8Array, password: string): Promise<BackupPreview> {
    // With someone signed in, the check (and a failed one) is logged as backup.verify.
    return this.#requireVault().inspectBackup(bytes, password, this.#session ?? undefined);
  }

  /**
   * "Replace this vault": everything here becomes the backup's vault. Then any open session is locked and the unlock
   * screen asks for the vault password the backup was made with. A failure changes nothing and keeps the session.
   */
  async restoreBackup(bytes: Uint8Array, password: string): Promise<void> {
    const vault = this.#requireVault();
    // From inside the vault only an admin may replace it: the session lets the vault check (and log a refusal).
    await vault.restoreBackup(bytes, password, this.#session ?? undefined);
    this.#tabs?.announce({ type: 'rekeyed' });
    this.#device.vaultMarker.set();
    if (this.#session !== null) void this.lock();
    try {
      this.#users = await vault.users();
    } catch {
      this.#users = [];
    }
    this.#lockNotice = RESTORED_NOTICE;
    this.#screen = 'unlock';
  }

  /** "Merge into this vault": compares the backup's keys with this vault's; `apply` writes the choices. */
  async previewMerge(bytes: Uint8Array, password: string, backupVaultPassword: string): Promise<MergePreview> {
    const session = this.#requireSession();
    const { plan, apply } = await this.#requireVault().previewMerge(session, bytes, password, backupVaultPassword);
    return {
      plan,
      apply: async (choices) => {
        await apply(choices);
        if (this.#session !== session) return;
        const { mergedText, mergeOutcome } = this.#loadedParts();
        this.#notice = mergedText(mergeOutcome(plan.added.length, choices));
        await this.#keys?.refresh().catch(() => undefined);
        await this.refreshBackupStatus();
      },
    };
  }

  /** A chain check's result (at unlock or "Verify log"): a broken log raises the persistent alert. */
  noteChainResult(result: ChainResult): void {
    this.#logBreak = result.ok ? null : { kind: result.kind, seq: result.seq };
  }

  /** Asks the browser to keep storage (navigator.storage.persist()) and remembers the answer. */
  async askPersist(): Promise<boolean | undefined> {
    try {
      this.#persisted = await this.#device.persistStorage();
    } catch {
      this.#persisted = undefined;
    }
    return this.#persisted;
  }

  async refreshPersisted(): Promise<void> {
    try {
      this.#persisted = await this.#device.storagePersisted();
    } catch {
      this.#persisted = undefined;
    }
  }

  /** Stops timers and drops the session; for when the app is torn down. */
  destroy(): void {
    this.#stopDueWork();
    this.#stopTabs?.();
    this.#stopTabs = null;
    this.#tabs?.close();
    void this.lock('update');
    this.#vault?.close();
    this.#vault = null;
  }

  /** A message from another tab of this origin (tabs.ts checked its shape). */
  #fromOtherTab(message: TabMessage): void {
    switch (message.type) {
      case 'lock':
        if (this.#session !== null) void this.lock('other-tab');
        return;
      case 'rekeyed':
        if (this.#session !== null) void this.lock('rekeyed');
        else void this.#refreshLocked();
        return;
      case 'activity':
        this.#idle?.touch();
        return;
      case 'changed':
        void this.#reloadChanged(message.stores);
        return;
    }
  }

  /** Another tab committed a write: show it here. Never rejects. */
  async #reloadChanged(stores: readonly string[]): Promise<void> {
    const session = this.#session;
    if (session === null) {
      await this.#refreshLocked();
      return;
    }
    // After a user-key rotation or a restore elsewhere this read may fail (this tab's user key is stale): "rekeyed"
    // follows and locks; until then the list shown stays as it was.
    try {
      // Keys, their versions, who holds them (grants) and through which groups (groups, members).
      if (stores.some((s) => s === 'keys' || s === 'versions' || s === 'grants' || s === 'groups' || s === 'members')) {
        session.forgetCached();
        await this.#keys?.refresh();
      }
      if (this.#session !== session) return;
      // Settings changed in another tab (auto-lock, clipboard time) apply here at once, not at the next unlock.
      if (stores.includes('meta')) {
        const settings = await session.settings.reload();
        if (this.#session !== session) return;
        const before = this.#settings;
        if (settings.autoLockMinutes !== before?.autoLockMinutes) this.#idle?.setTimeoutMs(settings.autoLockMinutes * 60_000);
        if (settings.autoLockMinutes !== before?.autoLockMinutes || settings.clipboardClearSeconds !== before?.clipboardClearSeconds) this.#settings = settings;
      }
      if (stores.includes('audit')) await this.#audit?.load();
      await this.refreshBackupStatus();
    } catch {
      // Locked meanwhile, or a read failed: the next action here shows its own error.
    }
  }

  /** Locked or first run: another tab may have created or restored a vault here. */
  async #refreshLocked(): Promise<void> {
    const vault = this.#vault;
    if (vault === null || this.#session !== null || !(['unlock', 'create', 'removed'] as Screen[]).includes(this.#screen)) return;
    try {
      if (await vault.exists()) {
        this.#users = await vault.users();
        if (this.#session === null && this.#screen !== 'unlock') this.#screen = 'unlock';
      }
    } catch {
      // The unlock attempt will report the storage problem.
    }
  }

  /** The database connection is gone (a newer version in another tab, or the browser closed it): lock and ask for a reload. */
  #mustReload(text: string): void {
    void this.lock('update');
    this.#lockNotice = '';
    this.#errorText = text;
    this.#screen = 'reload';
  }

  #enterCreate(): void {
    this.#screen = 'create';
    const vault = this.#vault;
    if (vault === null || this.#calibration !== null) return;
    // Measured once, while the person types; createVault waits for it. A failure falls back to the vault's default.
    this.#calibration = vault.calibrate().then(
      (iterations) => (this.#iterations = iterations),
      () => undefined,
    );
  }

  /** Reads again who can unlock (for the picker); after an admin's change, and at every lock. Never rejects. */
  async refreshUsers(): Promise<void> {
    try {
      if (this.#vault !== null) this.#users = await this.#vault.users();
    } catch {
      // The list read at start stays.
    }
  }

  /**
   * The unlocked state's code for a session that just opened. If it cannot load, the session is locked again (no key
   * stays in memory with no screen to show it) and LoadError goes to the form, which words it.
   */
  async #partsFor(session: Session, loading: Promise<UnlockedParts>): Promise<UnlockedParts> {
    try {
      this.#parts = await loading;
      return this.#parts;
    } catch (error) {
      void session.lock().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A session opened: auto-lock and the lock hook start at once. Someone still holding a one-time password gets the
   * 'password' screen and nothing else — no key list, no log or backup reads, no due work — until they choose their own.
   */
  #begin(session: Session, parts: UnlockedParts): void {
    const settings = session.settings.current();
    this.#session = session;
    this.#settings = settings;
    this.#lastUserId = session.user.id;
    this.#lockNotice = '';
    this.#kdfIterations = session.kdfIterations;
    this.#kdfNotice = session.kdfUpgrade ? kdfUpgradeText(session.kdfUpgrade.from, session.kdfUpgrade.to) : '';
    this.#dueNotice = '';
    this.#notice = '';
    this.#view = 'keys';
    this.#logBreak = null;
    this.#backup = null;
    this.#idle = new IdleLock({
      timeoutMs: settings.autoLockMinutes * 60_000,
      onIdle: () => void this.lock('idle'),
      clock: this.#clock,
    });
    this.#idle.start();
    // A lock from anywhere else (another path into the session) must not leave this screen showing keys. A session
    // that found its user key changed by another tab (a write refused) locks like a "rekeyed" message.
    session.onLock((cause) => {
      if (this.#session === session) void this.lock(cause === 'rekeyed' ? 'rekeyed' : 'manual');
    });
    if (session.mustChangePassword) this.#screen = 'password';
    else this.#enterVault(session, parts);
  }

  /** Opens the vault screen for a session whose person may use it: keys, the log check, the backup status, due work. */
  #enterVault(session: Session, { AuditState, KeysState, roleAllows }: UnlockedParts): void {
    this.#keys = new KeysState({
      session,
      clipboard: this.#clipboard,
      clipboardSeconds: () => this.#settings?.clipboardClearSeconds ?? 30,
      clock: this.#clock,
      // A change to a key may make a backup due ("Keys changed since your last backup").
      onChange: () => void this.refreshBackupStatus(),
    });
    // Only roles that may read the log get the Audit screen's state (a member's report would be refused and logged).
    this.#audit = roleAllows(session.user.role, 'audit.read') ? new AuditState({ session, onChainResult: (result) => this.noteChainResult(result) }) : null;
    // docs/AUDIT.md §2: the chain is verified at every unlock, in the background; a break stays on screen.
    session.audit.check().then(
      (result) => {
        if (this.#session === session) this.noteChainResult(result);
      },
      () => undefined,
    );
    this.#screen = 'vault';
    void this.refreshBackupStatus();
    // Once the list is on screen (it must not wait for this), then every minute while unlocked; lock() stops it.
    this.#stopDueWork();
    void this.#keys.whenLoaded().then(afterPaint).then(() => this.runDueWork());
    this.#dueTimer = setInterval(() => void this.runDueWork(), DUE_WORK_INTERVAL_MS);
  }

  #stopDueWork(): void {
    if (this.#dueTimer !== undefined) clearInterval(this.#dueTimer);
    this.#dueTimer = undefined;
  }

  /** The unlocked state's code: loaded before any session begins (#partsFor), so always there while one is open. */
  #loadedParts(): UnlockedParts {
    if (this.#parts === null) throw new VaultError('Locked', 'the vault is locked');
    return this.#parts;
  }

  #requireVault(): Vault {
    if (this.#vault === null) throw new VaultError('NoVault', 'the vault is not open yet');
    return this.#vault;
  }

  #requireSession(): Session {
    if (this.#session === null) throw new VaultError('Locked', 'the vault is locked');
    return this.#session;
  }
}
