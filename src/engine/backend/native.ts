// Fracture CNN's native training kernels (native/: convolutions as packed matrix products with an
// AVX2+FMA microkernel picked at run time, and the batch-norm loops), built by `npm install` when a
// C compiler is present. They run on the wasm backend's own heap, so tensors never leave it; when
// the library is absent or FRACTURE_CNN_NATIVE=0, every kernel keeps its WebAssembly/JavaScript path.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface NativeKernels {
  /** shape: [n, h, w, ci, kh, kw, co, strideH, strideW, padTop, padLeft, outH, outW] */
  convForward(x: Float32Array, filter: Float32Array, y: Float32Array, shape: Int32Array): void;
  convInputGrad(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  convFilterGrad(x: Float32Array, dy: Float32Array, dfilter: Float32Array, shape: Int32Array): void;
  channelSums(x: Float32Array, y: Float32Array, r0: number, r1: number, C: number, s1: Float64Array, s2: Float64Array): void;
  affineRelu(x: Float32Array, out: Float32Array, r0: number, r1: number, C: number, scale: Float32Array, shift: Float32Array): void;
  affine2(io: Float32Array, x: Float32Array, r0: number, r1: number, C: number, a: Float32Array, b: Float32Array, d: Float32Array): void;
  reluMask(g: Float32Array, a: Float32Array, out: Float32Array): void;
  routePooled(g: Float32Array, a: Float32Array, out: Float32Array, N: number, H: number, W: number, C: number, Ho: number, Wo: number, sums?: Float64Array): void;
  /** y[r, c] += bias[c] (if given), then max(0, y) when relu is 1: the epilogue of a fused convolution. */
  biasAct(y: Float32Array, C: number, relu: number, bias?: Float32Array): void;
  /** The matrix microkernel this CPU runs: "avx2+fma" or "generic". */
  isa(): string;
}

export const NATIVE_FILE = 'fracture_kernels.node';

/** Where the library may be: beside the bundles (dist/native, also inside the .vsix), or the build folder of a checkout. */
function candidates(): string[] {
  const out: string[] = [];
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    out.push(path.join(dir, 'native', NATIVE_FILE), path.join(dir, 'native', 'build', 'Release', NATIVE_FILE));
  }
  return out;
}

let loaded: { kernels: NativeKernels | null; why: string } | undefined;
let enabled = true;

function load(): { kernels: NativeKernels | null; why: string } {
  if (process.env.FRACTURE_CNN_NATIVE === '0') enabled = false;
  const file = candidates().find((f) => fs.existsSync(f));
  if (!file) return { kernels: null, why: `not built (${NATIVE_FILE} not found; \`npm install\` builds it when a C compiler is present)` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kernels = require(file) as NativeKernels;
    return { kernels, why: `native kernels ${kernels.isa()}` };
  } catch (e) {
    return { kernels: null, why: `${file} could not be loaded: ${String(e instanceof Error ? e.message : e).split('\n')[0]}` };
  }
}

/** The native kernels, or null. Loaded once per process. */
export function nativeKernels(): NativeKernels | null {
  loaded ??= load();
  return enabled ? loaded.kernels : null;
}

/**
 * Whether the native kernels are used from now on, where loaded: the bench and tests compare both
 * paths in one process. Worker threads started afterwards inherit the choice through the environment.
 */
export function useNativeKernels(on: boolean): void {
  enabled = on;
  if (on) delete process.env.FRACTURE_CNN_NATIVE;
  else process.env.FRACTURE_CNN_NATIVE = '0';
}

/** On wasm, whose kernels run the convolutions: "native <isa>" or "WebAssembly"; other backends have none of ours. */
export function kernelsInUse(backend: string): string | undefined {
  if (backend !== 'wasm') return undefined;
  const native = nativeKernels();
  return native ? `native ${native.isa()}` : 'WebAssembly';
}

/** A few words for the backend detail: which kernels run, or why the native ones do not. */
export function nativeStatus(): string {
  loaded ??= load();
  if (!enabled && loaded.kernels) return 'native kernels not used: turned off (FRACTURE_CNN_NATIVE=0)';
  return loaded.kernels ? loaded.why : `native kernels not used: ${loaded.why}`;
}
