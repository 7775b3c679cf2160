// The export feature's face (issue #16): the dialogs load lazily from VaultScreen; the words and the session's exports.
export { exportedText } from './export-text';
export { sessionExports, type PlainExportDeps } from './export-state.svelte';
