// The kinds of fracture the sample draws, from the subtle to the obvious, as they change a bone's
// projected density: a hairline crack that stops part-way across, a cortical buckle (torus), a
// complete transverse or oblique break with its distal fragment shifted, and a comminuted break
// with a loose middle fragment. Every change stays within [uMin, uMax] along the bone, so the
// fracture's box can be found by comparing the bone drawn with and without it there.
import { gaussian } from '../rng';
import type { Bone } from './bones';
import { boneDensity, clamp01, smooth01 } from './bones';

export type FractureKind = 'hairline' | 'buckle' | 'break' | 'comminuted';

interface Wave {
  a: number;
  f: number;
  p: number;
}

export interface Fracture {
  kind: FractureKind;
  /** Index of the broken bone in the scene. */
  bone: number;
  /** Where along the bone, and the slope of the fracture line (du per dv). */
  u0: number;
  slope: number;
  /** Half width of the crack or gap, in pixels, and how much density it removes (0..1). */
  half: number;
  contrast: number;
  /** hairline: share of the bone width the crack crosses, from the cortex on `side`. */
  depth: number;
  side: number;
  /** Sideways shift of the distal fragment at the break, fading back to 0 over `realign` pixels. */
  shift: number;
  realign: number;
  /** buckle: outward bulge of the cortex (pixels) and its half length; comminuted: fragment length. */
  amp: number;
  span: number;
  waves: Wave[];
  uMin: number;
  uMax: number;
}

const KINDS: [FractureKind, number][] = [
  ['hairline', 0.05],
  ['buckle', 0.05],
  ['break', 0.7],
  ['comminuted', 0.2],
];

function pick(rng: () => number): FractureKind {
  let x = rng();
  for (const [kind, p] of KINDS) if ((x -= p) < 0) return kind;
  return 'break';
}

/** A fracture of bone `index` at u0; its size scales with the bone's radius. */
export function planFracture(rng: () => number, b: Bone, index: number, u0: number, kinds?: readonly FractureKind[]): Fracture {
  const r = b.radius;
  const drawn = pick(rng);
  // A restricted set changes only the fracture: the film's anatomy and exposure were drawn before.
  const kind = !kinds || kinds.includes(drawn) ? drawn : kinds[Math.floor(rng() * kinds.length)];
  const side = rng() < 0.5 ? -1 : 1;
  const oblique = rng() < 0.45;
  const slope = oblique ? side * (0.5 + 0.9 * rng()) : 0.25 * gaussian(rng);
  const jag = kind === 'hairline' ? 0.35 : kind === 'buckle' ? 0 : 0.1 * r;
  const waves = Array.from({ length: 3 }, () => ({ a: jag * rng(), f: (0.4 + 1.4 * rng()) / r, p: 6.283 * rng() }));
  const f: Fracture = { kind, bone: index, u0, slope, half: 0, contrast: 0, depth: 1, side, shift: 0, realign: 0, amp: 0, span: 0, waves, uMin: 0, uMax: 0 };
  const big = rng() < 0.95;
  switch (kind) {
    case 'hairline':
      f.half = 1.4 + 0.8 * rng();
      f.contrast = 0.88 + 0.1 * rng();
      f.depth = 0.6 + 0.35 * rng();
      break;
    case 'buckle':
      f.amp = r * (0.3 + 0.2 * rng()) + 1.5;
      f.span = r * (0.6 + 0.4 * rng());
      f.contrast = 0.2 + 0.15 * rng();
      f.side = rng() < 0.35 ? 0 : side;
      break;
    case 'break':
      f.half = big ? 1.5 + r * (0.15 + 0.2 * rng()) : 1.1 + 0.8 * rng();
      f.contrast = 0.9 + 0.08 * rng();
      f.shift = big ? (rng() < 0.5 ? -1 : 1) * r * (0.3 + 0.5 * rng()) : (rng() - 0.5) * 0.3 * r;
      f.realign = r * (2.5 + 2 * rng());
      break;
    case 'comminuted':
      f.half = 1.5 + r * (0.08 + 0.12 * rng());
      f.contrast = 0.9 + 0.08 * rng();
      f.shift = (rng() < 0.5 ? -1 : 1) * r * (0.15 + 0.35 * rng());
      f.realign = r * (2.5 + 2 * rng());
      f.amp = (rng() < 0.5 ? -1 : 1) * r * (0.1 + 0.3 * rng());
      f.span = r * (0.8 + 1.2 * rng());
      break;
  }
  const outer = r * 2.2;
  const reach = Math.abs(f.slope) * outer + waves.reduce((s, w) => s + w.a, 0) + 3 * f.half + 2;
  f.uMin = u0 - reach - (kind === 'buckle' ? f.span : 0);
  f.uMax = u0 + reach + (kind === 'buckle' ? f.span : kind === 'comminuted' ? f.span + f.realign : f.realign);
  return f;
}

function line(f: Fracture, v: number, u0: number, slope: number): number {
  let l = u0 + slope * v;
  for (const w of f.waves) l += w.a * Math.sin(w.f * v * 6.283 + w.p);
  return l;
}

function gap(f: Fracture, du: number): number {
  return 1 - f.contrast * smooth01((f.half + 0.6 - Math.abs(du)) / 1.2);
}

/** Density of the broken bone at (u, v); equals boneDensity outside [uMin, uMax]. */
export function fracturedDensity(b: Bone, f: Fracture, u: number, v: number): number {
  if (u < f.uMin || u > f.uMax) return boneDensity(b, u, v);
  const r = b.radius;
  switch (f.kind) {
    case 'hairline': {
      const du = u - line(f, v, f.u0, f.slope);
      // The crack enters from the cortex on `side` and fades out `depth` of the way across.
      const t = (f.side * v) / r;
      const along = smooth01((t - (1 - 2 * f.depth)) / 0.3);
      return boneDensity(b, u, v) * (1 - f.contrast * along * Math.exp(-(du * du) / (f.half * f.half)));
    }
    case 'buckle': {
      const k = Math.max(0, 1 - Math.abs(u - f.u0) / f.span);
      const bulge = f.amp * k * Math.sqrt(k);
      const bulges = f.side === 0 || f.side * v > 0;
      const w = bulges ? (v * r) / (r + bulge) : v;
      // Compressed trabeculae leave a faint dense band across the buckle.
      const band = 1 + f.contrast * Math.exp(-(((u - f.u0) / (0.25 * f.span)) ** 2));
      return boneDensity(b, u, w) * band;
    }
    case 'break': {
      const l = line(f, v, f.u0, f.slope);
      const w = u > l ? v - f.shift * (1 - smooth01((u - f.u0) / f.realign)) : v;
      return boneDensity(b, u, w) * gap(f, u - l);
    }
    case 'comminuted': {
      // Two converging lines cut out a wedge ("butterfly") fragment, pushed sideways by amp.
      const l1 = line(f, v, f.u0, f.slope);
      const l2 = line(f, -v, f.u0 + f.span, -f.slope);
      let w = v;
      if (u > l2) w = v - f.shift * (1 - smooth01((u - f.u0 - f.span) / f.realign));
      else if (u > l1) w = v - f.amp;
      const d = boneDensity(b, u, w) * gap(f, u - l1) * gap(f, u - l2);
      return u > l1 && u < l2 ? d * (1 - 0.5 * f.contrast * clamp01(1 - Math.abs(v) / f.half / 2)) : d;
    }
  }
}
