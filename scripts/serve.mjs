// Serves the production build (dist/) with Vite's preview server on http://localhost:4173, with the
// security headers from vite.config.ts. `npm start` builds first; `npm run serve` serves as is.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

if (!existsSync(new URL('../dist/index.html', import.meta.url))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm start`, which builds and serves).');
  process.exit(1);
}

// KEYWARD_PORT lets two checkouts run their end-to-end suites side by side; people use the default.
const port = Number(process.env.KEYWARD_PORT ?? 4173);
const server = await preview({ root, preview: { port, strictPort: true, host: 'localhost' } });
server.printUrls();

// Close cleanly when a test runner or a terminal stops us.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close().finally(() => process.exit(0));
  });
}
