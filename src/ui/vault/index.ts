// The vault feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './app-state.svelte';
export { default as UnlockVault } from './UnlockVault.svelte';
