// `npm test`: checks (and as root installs) the Debian packages the tests need, checks types and
// lint, builds the bundles, then runs every test/**/*.test.ts with node's test runner.
// Pass folder names to run a subset (without the type check and lint): `npm test -- engine server`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './debian.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

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
if (!ensureDebianPackages()) process.exit(1);
// `npm install` builds the native training kernels when a compiler is there; one installed just now
// (above) builds them here, so the tests run the kernels a user's install gets.
if (!existsSync(join(root, 'native', 'build', 'Release', 'fracture_kernels.node'))) run(process.execPath, ['scripts/native.mjs']);
// The whole suite (and so CI) first checks types and lint: a finding fails the run. A subset skips
// them to stay quick; `npm run typecheck` and `npm run lint` run them alone.
if (only.length === 0) {
  for (const [what, script] of [['Type check', 'typecheck'], ['Lint', 'lint']]) {
    console.log(`${what} (npm run ${script})`);
    const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`${what} failed: fix the findings above (npm run ${script}).`);
      process.exit(r.status ?? 1);
    }
  }
}
run(process.execPath, ['esbuild.mjs']);
// End-to-end tests (real code-server and Chromium) run after the others, one file at a time:
// each holds a whole VS Code and a browser. The other files run exactly as before. A TAP copy
// of each phase gives the one summary for both at the end.
const isE2E = (f) => f.startsWith(join('test', 'e2e') + '/');
const files = findTests(join(root, 'test')).filter(
  (f) => only.length === 0 || only.some((o) => f.startsWith(join('test', o))),
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const phases = [
  { files: files.filter((f) => !isE2E(f)), flags: [] },
  { files: files.filter(isE2E), flags: ['--test-concurrency=1'] },
].filter((p) => p.files.length > 0);
const tapDir = mkdtempSync(join(tmpdir(), 'fracture-test-'));
let status = 0;
const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
for (const [i, phase] of phases.entries()) {
  const tap = join(tapDir, `${i}.tap`);
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...phase.flags, ...reporters, ...phase.files], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}
rmSync(tapDir, { recursive: true, force: true });
if (phases.length > 1) {
  console.log('\nAll test files (end-to-end included):');
  for (const [key, n] of Object.entries(totals)) console.log(`ℹ ${key} ${n}`);
}
console.log(`tests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped`);
process.exit(status);
