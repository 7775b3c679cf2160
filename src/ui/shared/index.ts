// The shared feature's face: what other features and App.svelte import from it (docs/UI.md).

export * from './clipboard.svelte';
export * from './download';
export * from './focus';
export * from './confirmation.svelte';
export * from './form-errors';
export * from './format';
export * from './lazy';
export * from './messages';
export { default as ConfirmDialog } from './ConfirmDialog.svelte';
export { default as MessageScreen } from './MessageScreen.svelte';
export { default as Modal } from './Modal.svelte';
export { default as PasswordStrength } from './PasswordStrength.svelte';
export { default as UpdateBanner } from './UpdateBanner.svelte';
export { default as Field } from './Field.svelte';
export { default as ScreenCard } from './ScreenCard.svelte';
export { default as DataTable, type Column } from './DataTable.svelte';
export { default as DialogForm } from './DialogForm.svelte';
export { default as ControlField, type FieldAttrs } from './ControlField.svelte';
export { default as ScreenHeader } from './ScreenHeader.svelte';
export { default as NewPasswordFields } from './NewPasswordFields.svelte';
export { default as Outcome } from './Outcome.svelte';
