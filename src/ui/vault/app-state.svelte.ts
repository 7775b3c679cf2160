// Owns the app's top-level state: which screen (and which view of the vault) shows, the open session and its
// settings, signing in and out, and the lock itself. What hangs off a session has a module of its own: notices,
// storage, activity (auto-lock), due work, backups, the person's account, and other tabs' messages.

import { systemClock, TabSync, VaultError, type ChainBreak, type ChainResult, type Clock, type PasskeyUnlockInput, type Session, type Settings, type UserId, type Vault } from '../../vault';
import type { AuditState } from '../audit';
import { BackupActions, RESTORED_NOTICE } from '../backup';
import type { DeviceControls } from '../contracts';
import type { KeysState } from '../keys';
import { ClipboardGuard, errorMessage, kdfUpgradeText, TAB_MESSAGES } from '../shared';
import { Account } from './account.svelte';
import { PasskeyUnlock } from './passkey-unlock';
import { Activity } from './activity';
import { DueWorkRunner } from './due-work';
import { Notices } from './notices.svelte';
import { StorageState } from './storage-state.svelte';
import { TabLink } from './tab-link';
import { loadUnlockedParts, type UnlockedParts } from './unlocked';

/** 'password': a user added with a one-time password chooses their own before anything else (issue #6). */
export type Screen = 'loading' | 'create' | 'unlock' | 'password' | 'vault' | 'removed' | 'error' | 'reload';
/**
 * 'other-tab': "Lock" or auto-lock in another tab; 'rekeyed': another tab rotated the user key or replaced
 * the vault; 'switch': "Switch user" locked so that someone else can sign in.
 */
export type LockReason = 'manual' | 'idle' | 'update' | 'other-tab' | 'rekeyed' | 'switch';
/** What the unlocked vault screen shows below its header. */
export type VaultView = 'keys' | 'audit' | 'backup' | 'users';

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

const LOCK_NOTICES: Partial<Record<LockReason, string>> = {
  idle: 'Locked after a period without activity.',
  update: 'Locked to install an update.',
  'other-tab': TAB_MESSAGES.lockedElsewhere,
  rekeyed: TAB_MESSAGES.rekeyedElsewhere,
};

/** The unlocked state's code: loaded before any session begins (#partsFor), so always there while one is open. */
function loaded(parts: UnlockedParts | null): UnlockedParts {
  if (parts === null) throw new VaultError('Locked', 'the vault is locked');
  return parts;
}

export class AppState {
  readonly notices = new Notices();
  readonly storage: StorageState;
  readonly activity: Activity;
  readonly backups: BackupActions;
  readonly account: Account;
  /** Issue #18: what the unlock screen hands the authenticator for a user (credential ids and PRF salts). */
  readonly passkeys: PasskeyUnlock;
  readonly #loadVault: (hooks: VaultConnectionHooks) => Promise<Vault>;
  readonly #tabs: TabSync | null;
  readonly #tabLink: TabLink;
  readonly #dueWork: DueWorkRunner;
  #stopTabs: (() => void) | null = null;
  readonly #device: DeviceControls;
  readonly #clock: Clock;
  readonly #clipboard: ClipboardGuard;

  #vault: Vault | null = null;
  /** The unlocked state's code, once loaded (it stays: a later unlock needs no second load). */
  #parts: UnlockedParts | null = null;

  #screen = $state<Screen>('loading');
  #errorText = $state('');
  #session = $state.raw<Session | null>(null);
  #keys = $state.raw<KeysState | null>(null);
  #settings = $state.raw<Settings | null>(null);
  #users = $state.raw<readonly { id: UserId; name: string }[]>([]);
  /** Who the unlock screen's picker starts on: the person who was signed in (none after "Switch user"). */
  #lastUserId = $state<UserId | null>(null);
  #view = $state<VaultView>('keys');
  #audit = $state.raw<AuditState | null>(null);
  /** Set when the chain check (at unlock, or "Verify log") found the audit log broken. */
  #logBreak = $state.raw<ChainBreak | null>(null);

  constructor(options: AppStateOptions) {
    this.#loadVault = options.loadVault;
    this.#device = options.device;
    this.#clock = options.clock ?? systemClock;
    this.#tabs = options.tabs !== undefined ? options.tabs : new TabSync();
    // The tabs tell each other what is on the clipboard (never the value), so a lock or a closing tab clears it.
    this.#clipboard = new ClipboardGuard(options.device, { peers: this.#tabs });
    this.storage = new StorageState(options.device);
    this.activity = new Activity({ clock: this.#clock, tabs: this.#tabs, clipboard: this.#clipboard });
    this.backups = new BackupActions({
      session: () => this.#session,
      vault: () => this.#requireVault(),
      // The unlocked state's code is loaded whenever a session shows the vault screen.
      mayReadStatus: (session) => this.#parts !== null && this.#screen === 'vault' && this.#parts.roleAllows(session.user.role, 'backup.export'),
      sayOutcome: (text) => this.notices.sayOutcome(text),
      mergedText: (plan, choices) => {
        const { mergedText, mergeOutcome } = loaded(this.#parts);
        return mergedText(mergeOutcome(plan.added.length, choices));
      },
      refreshKeys: async () => this.#keys?.refresh(),
      restored: () => this.#restored(),
    });
    this.account = new Account({
      session: () => this.#requireSession(),
      current: () => this.#session,
      settingsSaved: (settings) => {
        this.#settings = settings;
        this.activity.setTimeoutMs(settings.autoLockMinutes * 60_000);
      },
      tabs: this.#tabs,
    });
    this.#dueWork = new DueWorkRunner({
      session: () => this.#session,
      keys: () => this.#keys,
      parts: () => this.#parts,
      notices: this.notices,
      afterRun: () => this.backups.refreshStatus(),
    });
    this.#tabLink = new TabLink({
      session: () => this.#session,
      vault: () => this.#vault,
      showsLockedScreen: () => (['unlock', 'create', 'removed'] as Screen[]).includes(this.#screen),
      lock: (reason) => void this.lock(reason),
      keys: () => this.#keys,
      audit: () => this.#audit,
      settings: () => this.#settings,
      settingsChanged: (settings, timeout) => {
        if (timeout) this.activity.setTimeoutMs(settings.autoLockMinutes * 60_000);
        this.#settings = settings;
      },
      refreshBackupStatus: () => this.backups.refreshStatus(),
      vaultAppeared: (users) => {
        this.#users = users;
        if (this.#session === null && this.#screen !== 'unlock') this.#screen = 'unlock';
      },
      activity: this.activity,
    });
    this.passkeys = new PasskeyUnlock(() => this.#vault);
    this.#stopTabs = this.#tabs?.listen((message) => this.#tabLink.receive(message)) ?? null;
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
  setView(view: VaultView): void {
    this.#view = view;
  }

  /** Opens the vault and picks the first screen. Never rejects: failures become the 'error' screen. */
  async start(): Promise<void> {
    this.#screen = 'loading';
    try {
      this.#vault ??= await this.#loadVault({ onVersionChange: (newVersion) => this.#mustReload(newVersion === null ? TAB_MESSAGES.databaseDeleted : TAB_MESSAGES.newerVersion), onTerminated: () => this.#mustReload(TAB_MESSAGES.connectionLost) });
      if (await this.#vault.exists()) {
        this.#users = await this.#vault.users();
        // Issue #17: the picker starts on whoever signed in last in this browser (if they can still unlock).
        const last = this.#device.lastUser?.get() ?? null;
        this.#lastUserId = this.#users.find((user) => user.id === last)?.id ?? null;
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
    const iterations = await this.storage.calibrated();
    const session = await vault.create({ ownerName: input.ownerName, password: input.password, iterations });
    this.#device.vaultMarker.set();
    this.#users = [{ id: session.user.id, name: session.user.name }];
    this.#begin(session, await this.#partsFor(session, parts));
    // Ask once, right after the first save; the answer shows in Settings. Not awaited: some browsers prompt.
    void this.storage.askPersist();
  }

  /**
   * Unlocks the vault with the password, or with a passkey's answer (issue #18). Throws VaultError('WrongPassword') or
   * ('PasskeyRefused') for the form to show.
   */
  async unlock(input: { password: string; userId?: UserId } | PasskeyUnlockInput): Promise<void> {
    const vault = this.#requireVault();
    const parts = this.#parts !== null ? Promise.resolve(this.#parts) : loadUnlockedParts();
    const session = 'prfOutput' in input ? await vault.unlockWithPasskey(input) : await vault.unlock(input);
    // The marker may be gone (site data partly cleared) while the vault survived; put it back.
    if (!this.#device.vaultMarker.get()) this.#device.vaultMarker.set();
    this.#begin(session, await this.#partsFor(session, parts));
    void this.storage.refreshPersisted();
  }

  /**
   * The first unlock of a user added with a one-time password: their own password replaces it, then the vault opens.
   * Throws VaultError: WrongPassword for `current`, PasswordTooShort or InvalidInput('password') for `next`.
   */
  async completePasswordChange(current: string, next: string): Promise<void> {
    const session = this.#requireSession();
    await session.credentials.changePassword(current, next);
    if (this.#session !== session) return;
    this.account.noteSession(session);
    this.#enterVault(session, loaded(this.#parts));
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
    this.activity.stop();
    this.#dueWork.stop();
    this.notices.clearVault();
    this.#view = 'keys';
    this.#logBreak = null;
    this.backups.clear();
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
      this.notices.sayLocked(LOCK_NOTICES[reason] ?? '');
      this.#screen = 'unlock';
      // An admin may have added or removed people meanwhile: the picker lists who can unlock now.
      void this.refreshUsers();
    }
    return this.#clipboard.clear();
  }

  /** A chain check's result (at unlock or "Verify log"): a broken log raises the persistent alert. */
  noteChainResult(result: ChainResult): void {
    this.#logBreak = result.ok ? null : { kind: result.kind, seq: result.seq };
  }

  /** Stops timers and drops the session; for when the app is torn down. */
  destroy(): void {
    this.#dueWork.stop();
    this.#stopTabs?.();
    this.#stopTabs = null;
    this.#tabs?.close();
    void this.lock('update');
    this.#vault?.close();
    this.#vault = null;
  }

  /** The database connection is gone (a newer version in another tab, or the browser closed it): lock and ask for a reload. */
  #mustReload(text: string): void {
    void this.lock('update');
    this.notices.sayLocked('');
    this.#errorText = text;
    this.#screen = 'reload';
  }

  #enterCreate(): void {
    this.#screen = 'create';
    // Measured once, while the person types; createVault waits for it. A failure falls back to the vault's default.
    if (this.#vault !== null) void this.storage.calibrate(this.#vault);
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
    this.#device.lastUser?.set(session.user.id);
    this.notices.sayLocked('');
    this.account.noteSession(session);
    this.notices.clearVault();
    this.notices.sayKdf(session.kdfUpgrade ? kdfUpgradeText(session.kdfUpgrade.from, session.kdfUpgrade.to) : '');
    this.#view = 'keys';
    this.#logBreak = null;
    this.backups.clear();
    this.activity.start(settings.autoLockMinutes * 60_000, () => void this.lock('idle'));
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
      onChange: () => void this.backups.refreshStatus(),
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
    void this.backups.refreshStatus();
    this.#dueWork.start(this.#keys);
  }

  /** After "Replace this vault": other tabs lock, so does any open session, and the unlock screen asks for the backup's vault password. */
  async #restored(): Promise<void> {
    this.#tabs?.announce({ type: 'rekeyed' });
    this.#device.vaultMarker.set();
    if (this.#session !== null) void this.lock();
    try {
      this.#users = await this.#requireVault().users();
    } catch {
      this.#users = [];
    }
    this.notices.sayLocked(RESTORED_NOTICE);
    this.#screen = 'unlock';
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
