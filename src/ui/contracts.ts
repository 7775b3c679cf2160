// Owns what the shell hands to the UI: PWA controls and device capabilities, as interfaces the shell implements.

/** Service-worker update and install state, implemented by the shell with workbox-window. */
export interface PwaControls {
  /** True once a new version is installed and waiting. Reactive (backed by $state in the shell). */
  readonly updateAvailable: boolean;
  /** True while the browser offers installation (beforeinstallprompt was kept). Reactive. */
  readonly canInstall: boolean;
  /** True when running as an installed app (display-mode: standalone). */
  readonly installed: boolean;
  /** Activates the waiting service worker and reloads. The UI calls it only on a person's click. */
  applyUpdate(): Promise<void>;
  /** Shows the browser's install dialog; resolves true when accepted. */
  install(): Promise<boolean>;
}

/** Browser capabilities the UI uses, injected so they can be faked and so the UI never reaches for globals. */
export interface DeviceControls {
  /** navigator.storage.persist(); undefined where the API is missing. */
  persistStorage(): Promise<boolean | undefined>;
  /** navigator.storage.persisted(); undefined where the API is missing. */
  storagePersisted(): Promise<boolean | undefined>;
  /** Writes text to the clipboard; rejects when the browser refuses. */
  writeClipboard(text: string): Promise<void>;
  /** Reloads the page (after another tab upgraded the database); absent where the shell cannot. */
  reload?(): void;
  /** Marker outside IndexedDB that tells "first run" from "the vault was removed" (not secret). */
  vaultMarker: {
    get(): boolean;
    set(): void;
    clear(): void;
  };
  /**
   * Who signed in last in this browser (a user id, not secret: names are plaintext in the vault's users store), so
   * the unlock screen's picker starts on them. Absent: nobody is remembered.
   */
  lastUser?: {
    get(): string | null;
    set(userId: string): void;
  };
}
