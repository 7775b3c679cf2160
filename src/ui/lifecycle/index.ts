// The lifecycle feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './lifecycle-text';
export * from './rotation';
export { default as CompromiseDialog } from './CompromiseDialog.svelte';
export { default as DestructionDialog } from './DestructionDialog.svelte';
export { default as KeyHistory } from './KeyHistory.svelte';
export { default as PolicyEditor } from './PolicyEditor.svelte';
export { default as RotateDialog } from './RotateDialog.svelte';
export { default as RotationFields } from './RotationFields.svelte';
export { default as VersionsPanel } from './VersionsPanel.svelte';
