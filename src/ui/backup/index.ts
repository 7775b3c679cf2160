// The backup feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './restore-state.svelte';
export * from './backup-actions.svelte';
