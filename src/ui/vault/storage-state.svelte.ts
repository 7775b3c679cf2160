// Owns what the app knows of this browser's storage and speed: whether storage is kept (navigator.storage), and the
// PBKDF2 iterations a new vault would use here, measured once while the person types.

import type { Vault } from '../../vault';
import type { DeviceControls } from '../contracts';

export class StorageState {
  readonly #device: DeviceControls;
  #persisted = $state<boolean | undefined>(undefined);
  #iterations = $state<number | null>(null);
  #calibration: Promise<number | undefined> | null = null;

  constructor(device: DeviceControls) {
    this.#device = device;
  }

  /** navigator.storage persistence: true, false, or undefined where the browser does not say. */
  get persisted(): boolean | undefined {
    return this.#persisted;
  }
  /** PBKDF2 iterations a new vault will use here, once measured. */
  get calibratedIterations(): number | null {
    return this.#iterations;
  }

  /** Measured once, while the person types; a failure falls back to the vault's default (undefined). */
  calibrate(vault: Vault): Promise<number | undefined> {
    this.#calibration ??= vault.calibrate().then(
      (iterations) => (this.#iterations = iterations),
      () => undefined,
    );
    return this.#calibration;
  }

  /** The measurement if one was started (createVault waits for it), else undefined at once. */
  async calibrated(): Promise<number | undefined> {
    return (await this.#calibration) ?? undefined;
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
}
