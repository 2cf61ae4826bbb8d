// Draws one synthetic radiograph of a long bone: dark background, soft-tissue glow, a shaft whose
// projected density gives a bright cortex and a darker medullary canal, a flared joint end, grain.
// A fracture is a dark jagged gap across the shaft, sometimes with displacement and angulation,
// wide enough (1/30 to 1/20 of the image) to stay visible once the image is shrunk to 48x48.
import { gaussian, makeRng } from './rng';

// Film grain from a fixed table of normal deviates: a per-pixel Box-Muller would dominate the drawing time.
const GRAIN = (() => {
  const rng = makeRng(0x9a41);
  return Float32Array.from({ length: 1 << 16 }, () => gaussian(rng));
})();

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Radiograph {
  pixels: Uint8Array;
  box?: Box;
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Projected density of a hollow tube at distance v from its axis, 0..~0.85. */
function tube(v: number, outer: number, inner: number): number {
  const o = outer * outer - v * v;
  if (o <= 0) return 0;
  const i = inner * inner - v * v;
  return (Math.sqrt(o) - (i > 0 ? 0.8 * Math.sqrt(i) : 0)) / outer;
}

export function renderRadiograph(size: number, rng: () => number, fractured: boolean): Radiograph {
  const S = size;
  const cx = S * (0.5 + (rng() - 0.5) * 0.16);
  const cy = S * 0.5;
  const theta = Math.max(-0.3, Math.min(0.3, gaussian(rng) * 0.12));
  const [dx, dy] = [Math.sin(theta), Math.cos(theta)];
  const R0 = S * (0.085 + 0.025 * rng());
  const innerRatio = 0.55 + 0.1 * rng();
  const soft = R0 * (2.2 + 0.6 * rng());
  const endSign = rng() < 0.5 ? -1 : 1;
  const flare = 0.4 + 0.4 * rng();
  const brightness = 0.7 + 0.15 * rng();
  const tilt = (rng() - 0.5) * 0.2;
  const noise = 0.02 + 0.015 * rng();

  // Fracture geometry, in bone coordinates (u along the shaft, v across it).
  const u0 = S * (rng() - 0.5) * 0.4;
  const slope = Math.tan((rng() - 0.5) * 1.1);
  const half = S * (0.016 + 0.008 * rng());
  const waves = Array.from({ length: 3 }, () => ({ a: S * 0.006 * rng(), f: (4 + 10 * rng()) / S, p: 6.283 * rng() }));
  const reach = waves.reduce((sum, w) => sum + w.a, 0) + half + 1;
  const displace = rng() < 0.6 ? R0 * (0.1 + 0.3 * rng()) * (rng() < 0.5 ? -1 : 1) : 0;
  const angle = rng() < 0.5 ? (rng() - 0.5) * 0.16 : 0;
  const [ca, sa] = [Math.cos(angle), Math.sin(angle)];

  const pixels = new Uint8Array(S * S);
  let minX = S, minY = S, maxX = -1, maxY = -1;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const rx = x + 0.5 - cx, ry = y + 0.5 - cy;
      const u = rx * dx + ry * dy;
      const v = rx * dy - ry * dx;
      let bu = u, bv = v, inGap = false;
      if (fractured) {
        let line = u0 + slope * v;
        // The jagged part only matters near the line; far from it the side is already clear.
        if (Math.abs(u - line) < reach) for (const w of waves) line += w.a * Math.sin(w.f * v * 6.283 + w.p);
        if (u > line) {
          // Distal fragment: shifted sideways and turned about the fracture point.
          const pu = u - u0, pv = v - displace;
          bu = u0 + pu * ca - pv * sa;
          bv = pu * sa + pv * ca;
        }
        inGap = Math.abs(u - line) < half;
      }
      const outer = R0 * (1 + flare * smoothstep(S * 0.22, S * 0.5, bu * endSign));
      let bone = tube(bv, outer, outer * innerRatio);
      if (inGap && bone > 0) {
        bone *= 0.12;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      const tissue = Math.max(0, 1 - (v * v) / (soft * soft));
      let value = 0.05 + 0.2 * Math.sqrt(tissue) + brightness * bone;
      value *= 1 + tilt * (y / S - 0.5);
      value += noise * GRAIN[(rng() * 65536) | 0];
      pixels[y * S + x] = Math.max(0, Math.min(255, Math.round(value * 255)));
    }
  }
  if (!fractured || maxX < 0) return { pixels };
  const pad = Math.ceil(2 + S * 0.02);
  const x0 = Math.max(0, minX - pad), y0 = Math.max(0, minY - pad);
  const x1 = Math.min(S - 1, maxX + pad), y1 = Math.min(S - 1, maxY + pad);
  return { pixels, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}
