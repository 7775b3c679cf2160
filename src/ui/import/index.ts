// The import feature's face: the dialog loads lazily from VaultScreen; the words are shared with the notice line.
export { importedText, FORMAT_LABELS } from './import-text';
export type { ImportDeps } from './import-state.svelte';
