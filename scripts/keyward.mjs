#!/usr/bin/env node
// Owns starting the `keyward` command line: registers tsx (a dev dependency) so Node runs the TypeScript of
// scripts/keyward.ts and the app's own src/ modules it uses, in this same process (signals reach it directly).
import { register } from 'tsx/esm/api';

register();
await import('./keyward.ts');
