// `npm run package` (after `node esbuild.mjs --production`): builds fracture-cnn-<version>.vsix.
// The extension ships its bundles plus the packages those bundles keep external (sharp and its
// native libvips, TensorFlow.js core/layers/cpu/wasm with the .wasm files), so it trains offline.
// A staged folder holds exactly that; vsce packages it with .vscodeignore trimming the packages.
// @tensorflow/tfjs-node is left out: the engine loads it only when the user's machine has it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The packages the bundles require at run time (esbuild.mjs engineExternals minus tfjs-node). */
const RUNTIME_ROOTS = [
  'sharp',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@cornerstonejs/codec-libjpeg-turbo-8bit',
  '@cornerstonejs/codec-charls',
  '@cornerstonejs/codec-openjpeg',
];
const LEFT_OUT = new Set(['@tensorflow/tfjs-node']);

const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/worker.js',
  'extension/dist/cli.js',
  'extension/dist/webview/dashboard.js',
  'extension/dist/webview/classify.js',
  'extension/media/icon.png',
  'extension/media/activity.svg',
  'extension/media/models/radnet-base/model.json',
  'extension/media/models/radnet-base/weights.bin',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/node_modules/sharp/package.json',
  'extension/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
  'extension/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.node.js',
  'extension/node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js',
  'extension/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js',
  'extension/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'extension/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'extension/node_modules/@cornerstonejs/codec-libjpeg-turbo-8bit/dist/libjpegturbowasm_decode.js',
  'extension/node_modules/@cornerstonejs/codec-libjpeg-turbo-8bit/dist/libjpegturbowasm_decode.wasm',
  'extension/node_modules/@cornerstonejs/codec-charls/dist/charlswasm_decode.js',
  'extension/node_modules/@cornerstonejs/codec-charls/dist/charlswasm_decode.wasm',
  'extension/node_modules/@cornerstonejs/codec-openjpeg/dist/openjpegwasm_decode.js',
  'extension/node_modules/@cornerstonejs/codec-openjpeg/dist/openjpegwasm_decode.wasm',
];
const FORBIDDEN = [/^extension\/src\//, /^extension\/test\//, /^extension\/webview\//, /\.ts$/, /tfjs-node\//, /\.map$/];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

/** Node's lookup: the nearest node_modules/<name> from `fromDir` up to the repository root. */
function locate(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

/** Every installed package reachable from the runtime roots through dependencies and optional ones. */
function runtimeClosure() {
  const found = new Map(); // package folder -> name
  const visit = (name, fromDir, optional) => {
    if (LEFT_OUT.has(name)) return;
    const folder = locate(name, fromDir);
    if (!folder) {
      if (optional) return; // another platform's binary
      fail(`${name} (needed at run time) is not installed; run npm install`);
    }
    if (found.has(folder)) return;
    found.set(folder, name);
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, folder, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, folder, true);
  };
  for (const name of RUNTIME_ROOTS) visit(name, root, false);
  return found;
}

function vsceTarget() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  if (!platform || !arch) fail(`no VS Code target for ${process.platform}-${process.arch}`);
  return `${platform}-${arch}`;
}

function listVsix(file) {
  const r = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) fail(`cannot list ${file}: ${r.stderr || r.error?.message} (apt-get install -y unzip)`);
  return r.stdout.split('\n').filter(Boolean);
}

for (const f of ['dist/extension.js', 'dist/server.js', 'dist/worker.js', 'dist/cli.js']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`node esbuild.mjs --production\` first (npm run package does)`);
}

const stage = join(root, '.cache', 'vsix-stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
cpSync(join(root, 'media'), join(stage, 'media'), { recursive: true });
for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing`);
  cpSync(join(root, f), join(stage, f));
}

const closure = runtimeClosure();
for (const folder of closure.keys()) {
  cpSync(folder, join(stage, relative(root, folder)), {
    recursive: true,
    filter: (src) => !relative(folder, src).startsWith('node_modules'),
  });
}

// The staged manifest declares only what the staged node_modules holds, so vsce's
// `npm list --production` sees a complete tree with nothing extraneous.
const staged = { ...manifest };
staged.dependencies = Object.fromEntries(
  RUNTIME_ROOTS.map((name) => [name, JSON.parse(readFileSync(join(locate(name, root), 'package.json'), 'utf8')).version]),
);
for (const key of ['devDependencies', 'optionalDependencies', 'scripts', 'private']) delete staged[key];
writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');

const target = vsceTarget();
const out = join(root, `${manifest.name}-${manifest.version}-${target}.vsix`);
rmSync(out, { force: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(
  process.execPath,
  [vsce, 'package', '--target', target, '--out', out, '--skip-license', '--no-update-package-json'],
  { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] },
);
if (r.status !== 0) fail(`vsce package failed (exit ${r.status})`);

const entries = listVsix(out);
// vsce stores README and CHANGELOG under lower-case names.
const have = new Set(entries.map((e) => e.toLowerCase()));
// The native training kernels are built for this platform only: a .vsix built where they were built must carry them.
if (existsSync(join(root, 'native', 'build', 'Release', 'fracture_kernels.node'))) REQUIRED_ENTRIES.push('extension/dist/native/fracture_kernels.node');
const missing = REQUIRED_ENTRIES.filter((e) => !have.has(e.toLowerCase()));
const wasm = entries.filter((e) => e.endsWith('.wasm'));
const sharpBinary = entries.find((e) => /@img\/sharp-[^/]+\/lib\/sharp-[^/]+\.node$/.test(e));
const forbidden = entries.filter((e) => FORBIDDEN.some((re) => re.test(e)));
if (missing.length) fail(`${out} lacks:\n  ${missing.join('\n  ')}`);
if (!sharpBinary) fail(`${out} lacks sharp's native binary (@img/sharp-<platform>/lib/*.node)`);
if (forbidden.length) fail(`${out} holds files it must not:\n  ${forbidden.slice(0, 20).join('\n  ')}`);

const { size } = statSync(out);
console.log(
  `package: ${relative(root, out)}: ${entries.length} files, ${(size / 1024 / 1024).toFixed(1)} MB, ` +
    `${closure.size} runtime packages, ${wasm.length} .wasm files, sharp binary ${sharpBinary.split('/').slice(-1)[0]}`,
);
