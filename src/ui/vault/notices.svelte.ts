// Owns the one-line notices the app shows: why the vault was locked (unlock screen), and on the vault screen the
// outcome of the last action, a raised key-derivation cost and what scheduled work did by itself.

export class Notices {
  #lock = $state('');
  #kdf = $state('');
  #due = $state('');
  #outcome = $state('');

  /** Why the vault was locked, shown on the unlock screen; '' after a manual lock. */
  get lock(): string {
    return this.#lock;
  }
  /** "Key derivation strengthened from X to Y iterations." after an unlock that raised it; '' otherwise. */
  get kdf(): string {
    return this.#kdf;
  }
  /** What scheduled work just did (automatic rotations, destructions, activations); '' when nothing. */
  get due(): string {
    return this.#due;
  }
  /** A one-line outcome on the vault screen ("Merged: 2 added, 1 replaced", "Backup saved as …"); '' when none. */
  get outcome(): string {
    return this.#outcome;
  }

  sayLocked(text: string): void {
    this.#lock = text;
  }
  sayKdf(text: string): void {
    this.#kdf = text;
  }
  sayDue(text: string): void {
    this.#due = text;
  }
  sayOutcome(text: string): void {
    this.#outcome = text;
  }

  dismissOutcome(): void {
    this.#outcome = '';
  }
  dismissKdf(): void {
    this.#kdf = '';
  }
  dismissDue(): void {
    this.#due = '';
  }

  /** At lock and at each new session: what belonged to the vault screen goes. */
  clearVault(): void {
    this.#kdf = '';
    this.#due = '';
    this.#outcome = '';
  }
}
