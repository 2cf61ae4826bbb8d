import type { BackendPreference } from '../config';

export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Human words: versions, SIMD, threads, why a preferred backend was not used. */
  detail: string;
}

/** Picks and initialises the TensorFlow.js backend: tfjs-node if it loads, else wasm with our training kernels, else cpu. */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  void preference;
  throw new Error('initBackend: not implemented yet');
}
