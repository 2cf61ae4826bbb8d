// `npm test`: builds the bundles, then runs every test/**/*.test.ts with node's test runner.
// Pass folder names to run a subset: `npm test -- engine server`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const only = process.argv.slice(2);
run(process.execPath, ['esbuild.mjs']);
// End-to-end tests (real code-server and Chromium) go last: they are the slowest and the
// others explain their failures better. They serialise themselves, so concurrency is unchanged.
const isE2E = (f) => f.startsWith(join('test', 'e2e') + '/');
const files = findTests(join(root, 'test'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(join('test', o))))
  .sort((a, b) => Number(isE2E(a)) - Number(isE2E(b)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
