// The access feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './access-text';
export { default as AccessPanel } from './AccessPanel.svelte';
