// Fails when the built console committed under src/main/resources/io/tollgate/console is not what
// `npm run build` makes from the sources now (ConsoleBrowserTest runs this; the Maven build itself needs no Node).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const committed = fileURLToPath(new URL('../../src/main/resources/io/tollgate/console', import.meta.url));
const fresh = mkdtempSync(join(tmpdir(), 'tollgate-console-build-'));

function files(dir, root = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, root) : [relative(root, p)];
  }).sort();
}

try {
  execFileSync(process.execPath, [join(here, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: here, env: { ...process.env, CONSOLE_OUT_DIR: fresh }, stdio: 'inherit' });
  const want = files(fresh);
  const have = files(committed);
  const stale = [...new Set([...want, ...have])].filter((f) => !want.includes(f) || !have.includes(f)
    || !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))));
  if (stale.length) {
    console.error(`the committed console build is stale (${stale.join(', ')}): run \`npm run build\` in console/`);
    process.exit(1);
  }
  console.log(`the committed console build matches the sources (${want.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
