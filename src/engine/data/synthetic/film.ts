// What turns projected density into a film: the detector's saturating response, exposure and
// gamma, the anode heel effect (one side brighter), unsharpness, and quantum noise. Every setting
// is drawn per image from the same ranges for both classes, so brightness, contrast and grain
// never tell a fractured film from a normal one.
import { gaussian, makeRng } from '../rng';

export interface Film {
  /** Detector response 1 - exp(-k * density), scaled so density 1.1 reaches `white`. */
  k: number;
  black: number;
  white: number;
  gamma: number;
  /** Brightness gradient across the film (heel effect): direction and strength. */
  heelX: number;
  heelY: number;
  /** Gaussian unsharpness (pixels) and grain (share of full scale). */
  blur: number;
  grain: number;
  /** Where this film's grain and bone texture start in the shared tables. */
  grainOffset: number;
  textureX: number;
  textureY: number;
  /** How much the trabecular texture modulates bone density. */
  texture: number;
}

// Fixed tables: per-pixel Box-Muller or value noise would dominate the drawing time.
const GRAIN = (() => {
  const rng = makeRng(0x9a41);
  return Float32Array.from({ length: 1 << 16 }, () => gaussian(rng));
})();

export const TEXTURE_SIDE = 128;
/** Smooth noise in about [-1, 1] that tiles every TEXTURE_SIDE pixels: spongy bone's mottling. */
export const TEXTURE = (() => {
  const n = TEXTURE_SIDE;
  const rng = makeRng(0x51f3);
  let a = Float32Array.from({ length: n * n }, () => gaussian(rng));
  for (let pass = 0; pass < 2; pass++) {
    const b = new Float32Array(n * n);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let s = 0;
        for (let d = -2; d <= 2; d++) s += a[y * n + ((x + d + n) % n)] + a[((y + d + n) % n) * n + x];
        b[y * n + x] = s / 10;
      }
    }
    a = b;
  }
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  return a.map((v) => v / max);
})();

export function planFilm(rng: () => number): Film {
  const heel = 0.25 * rng();
  const heelAngle = 6.283 * rng();
  return {
    k: 0.8 + 1.4 * rng(),
    black: 0.02 + 0.14 * rng(),
    white: 0.72 + 0.26 * rng(),
    gamma: 0.7 + 0.7 * rng(),
    heelX: heel * Math.cos(heelAngle),
    heelY: heel * Math.sin(heelAngle),
    blur: 0.35 + 0.45 * rng(),
    grain: 0.006 + 0.016 * rng(),
    grainOffset: Math.floor(rng() * 65536),
    textureX: Math.floor(rng() * TEXTURE_SIDE),
    textureY: Math.floor(rng() * TEXTURE_SIDE),
    texture: 0.03 + 0.05 * rng(),
  };
}

/** The film's blur kernel reaches this many pixels: a density change spreads no further. */
export const BLUR_REACH = 2;

function kernel(sigma: number): number[] {
  const k = [-2, -1, 0, 1, 2].map((d) => Math.exp(-(d * d) / (2 * sigma * sigma)));
  const sum = k.reduce((s, x) => s + x, 0);
  return k.map((x) => x / sum);
}

const LUT_SIZE = 4096;
/** Densities up to this map through the response curve; lead markers sit above it. */
const LUT_TOP = 2.2;

/**
 * Exposes the density map (lead markers already in it) onto 8-bit film: response curve and heel
 * effect, a 5-tap Gaussian blur per axis (edge pixels repeated), then grain.
 */
export function expose(density: Float32Array, width: number, height: number, film: Film): Uint8Array {
  const norm = 1 - Math.exp(-film.k * 1.1);
  const span = film.white - film.black;
  const curve = new Float32Array(LUT_SIZE + 1);
  for (let i = 0; i <= LUT_SIZE; i++) curve[i] = span * Math.pow(Math.min(1, (1 - Math.exp((-film.k * i * LUT_TOP) / LUT_SIZE)) / norm), film.gamma);
  const scale = LUT_SIZE / LUT_TOP, black = film.black;
  const heelCol = new Float32Array(width);
  for (let x = 0; x < width; x++) heelCol[x] = film.heelX * (x / width - 0.5);
  const [k0, k1, k2, k3, k4] = kernel(film.blur);
  const line = new Float32Array(Math.max(width, height) + 4);
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const heelRow = 1 + film.heelY * (y / height - 0.5);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const d = density[row + x];
      line[x + 2] = d > LUT_TOP ? 0.97 : black + curve[(d * scale) | 0] * (heelRow + heelCol[x]);
    }
    line[0] = line[1] = line[2];
    line[width + 2] = line[width + 3] = line[width + 1];
    for (let x = 0; x < width; x++) rows[row + x] = k0 * line[x] + k1 * line[x + 1] + k2 * line[x + 2] + k3 * line[x + 3] + k4 * line[x + 4];
  }
  const pixels = new Uint8Array(width * height);
  const grain = film.grain * 255, offset = film.grainOffset;
  const last = height - 1;
  for (let y = 0; y < height; y++) {
    const r0 = Math.max(0, y - 2) * width, r1 = Math.max(0, y - 1) * width, r2 = y * width;
    const r3 = Math.min(last, y + 1) * width, r4 = Math.min(last, y + 2) * width;
    for (let x = 0; x < width; x++) {
      const k = r2 + x;
      const v = 255 * (k0 * rows[r0 + x] + k1 * rows[r1 + x] + k2 * rows[k] + k3 * rows[r3 + x] + k4 * rows[r4 + x]) + grain * GRAIN[(offset + k * 7) & 0xffff];
      pixels[k] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    }
  }
  return pixels;
}
