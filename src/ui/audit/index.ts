// The audit feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './audit-state.svelte';
export * from './audit-text';
