// Public face of the UI layer: the root component the shell mounts, and the contracts the shell implements.

export { default as App } from './App.svelte';
export { default } from './App.svelte';
export type { PwaControls, DeviceControls } from './contracts';
