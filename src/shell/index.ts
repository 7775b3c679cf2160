// Owns the shell's public surface: the PWA and device controls the composition root hands to the UI.
export { PwaController, createPwaControls, type PwaOptions } from './pwa.svelte';
export { createDeviceControls, VAULT_MARKER_KEY, type DeviceEnvironment } from './device';
export { installXmlOnlyDomParser, XML_POLICY_NAME } from './xml-parser';
