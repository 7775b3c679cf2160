// The keys feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './keys-state.svelte';
export * from './key-material.svelte';
export * from './key-changes.svelte';
export { default as KeyList } from './KeyList.svelte';
