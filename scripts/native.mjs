// `npm install` builds native/ (Fracture CNN's training kernels) with node-gyp against the local
// Node headers. Without a C compiler the build fails, training falls back to the WebAssembly
// kernels, and the install goes on: this script never fails it. FRACTURE_CNN_NATIVE=0 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'native');

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  // npm's own copy, beside the npm running this script.
  const npm = process.env.npm_execpath;
  const beside = [
    npm ? join(dirname(npm), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : '',
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return beside.find((f) => f && existsSync(f)) ?? null;
}

/** The Node headers to build against: npm's nodedir setting, else those installed beside this node; node-gyp would download them. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

if (process.env.FRACTURE_CNN_NATIVE === '0') {
  console.log('fracture-cnn: native kernels skipped (FRACTURE_CNN_NATIVE=0); training uses the WebAssembly kernels.');
  process.exit(0);
}
const gyp = nodeGyp();
const r = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild', ...(nodeDir() ? [`--nodedir=${nodeDir()}`] : [])], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 })
  : { status: 1, stderr: 'node-gyp not found' };
if (r.status === 0 && existsSync(join(dir, 'build', 'Release', 'fracture_kernels.node'))) {
  console.log('fracture-cnn: native kernels built (native/build/Release/fracture_kernels.node).');
} else {
  const why = String(r.stderr ?? r.error ?? '').split('\n').filter((l) => /error|not found/i.test(l)).slice(0, 3).join(' | ') || `exit ${r.status}`;
  console.warn(`fracture-cnn: native kernels not built (${why}); training uses the WebAssembly kernels, about 3x slower. A C compiler (Linux: gcc and make, e.g. Debian's build-essential; macOS: the Xcode command-line tools) and \`npm rebuild\` fix this.`);
}
