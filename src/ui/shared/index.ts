// The shared feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './clipboard.svelte';
export * from './download';
export * from './focus';
export * from './format';
export * from './lazy';
export * from './messages';
export { default as ConfirmDialog } from './ConfirmDialog.svelte';
export { default as MessageScreen } from './MessageScreen.svelte';
export { default as Modal } from './Modal.svelte';
export { default as PasswordStrength } from './PasswordStrength.svelte';
export { default as UpdateBanner } from './UpdateBanner.svelte';
