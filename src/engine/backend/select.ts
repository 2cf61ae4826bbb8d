import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Training needs every op's gradient. tfjs-core's own register_all_gradients is ESM-only (it breaks the
// CommonJS bundles); tfjs-layers' node build registers all of them when loaded, so load it here.
import '@tensorflow/tfjs-layers';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendPreference } from '../config';
import { registerWasmTrainingKernels } from './convGrad';
import { nativeStatus } from './native';

export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Human words: versions, SIMD, threads, why a preferred backend was not used. */
  detail: string;
}

const current = new Map<BackendPreference, Promise<BackendInfo>>();

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

async function tryTensorflow(): Promise<BackendInfo> {
  // An optional dependency: its install downloads libtensorflow, which fails offline, so it may be absent.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const node = require('@tensorflow/tfjs-node') as { version?: Record<string, string> };
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
  const versions = node.version ?? {};
  const tfVersion = versions['tfjs-node'] ?? tf.version_core;
  return { name: 'tensorflow', detail: `tensorflow (native libtensorflow via @tensorflow/tfjs-node ${tfVersion})` };
}

/** The .wasm files ship inside the package: point at them by file path, so no fetch is ever tried (offline, inside a .vsix). */
function wasmDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function tryWasm(): Promise<BackendInfo> {
  registerWasmTrainingKernels();
  setWasmPaths(wasmDir());
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = getThreadsCount();
  return {
    name: 'wasm',
    detail: `wasm (tfjs-backend-wasm ${tf.version_core}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'} per process; conv2d gradients supplied by Fracture CNN; ${nativeStatus()})`,
  };
}

async function useCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return { name: 'cpu', detail: `cpu (tfjs-backend-cpu ${tf.version_core}, plain JavaScript, slow)` };
}

async function pick(preference: BackendPreference): Promise<BackendInfo> {
  // Production mode: no debug checks, and no console banner advertising tfjs-node from the cpu backend.
  tf.enableProdMode();
  const notes: string[] = [];
  if (preference === 'cpu') return useCpu();
  if (preference === 'auto' || preference === 'tensorflow') {
    try {
      return await tryTensorflow();
    } catch (e) {
      if (preference === 'tensorflow') {
        throw new Error(`Backend "tensorflow" was asked for but @tensorflow/tfjs-node could not be loaded: ${firstLine(e)}. Install it (npm install @tensorflow/tfjs-node, needs internet) or choose "auto" or "wasm".`);
      }
      notes.push(`tensorflow not used: @tensorflow/tfjs-node could not be loaded (${firstLine(e)})`);
    }
  }
  try {
    const info = await tryWasm();
    return notes.length ? { ...info, detail: `${info.detail}; ${notes.join('; ')}` } : info;
  } catch (e) {
    notes.push(`wasm not used: ${firstLine(e)}`);
  }
  const info = await useCpu();
  return { ...info, detail: `${info.detail}; ${notes.join('; ')}` };
}

/** The backend the last initBackend call of this process settled on. */
let inUse: BackendInfo | undefined;

/**
 * The backend this process already uses, else the default one. For work that runs beside a
 * training (Classify): the backend is global to the process, so switching it would move the
 * training's remaining steps onto another backend.
 */
export async function currentBackend(): Promise<BackendInfo> {
  return inUse ?? initBackend('auto');
}

/** Picks and initialises the TensorFlow.js backend: tfjs-node if it loads, else wasm with our training kernels, else cpu. */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  let pending = current.get(preference);
  if (!pending) {
    pending = pick(preference);
    current.set(preference, pending);
    pending.catch(() => current.delete(preference));
  }
  const info = await pending;
  // Another preference may have switched the global backend since: switch back (cheap once initialised).
  if (tf.getBackend() !== info.name) await tf.setBackend(info.name);
  inUse = info;
  return info;
}
