import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The build goes straight into the jar's resources (committed), so the Maven build never needs Node.
const outDir = process.env.CONSOLE_OUT_DIR
  || fileURLToPath(new URL('../src/main/resources/io/tollgate/console', import.meta.url));

export default defineConfig({
  base: '/console/',
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    // `npm run dev`: the Admin API of a local `./tollgate demo`
    proxy: { '/admin': 'http://127.0.0.1:8081' },
  },
});
