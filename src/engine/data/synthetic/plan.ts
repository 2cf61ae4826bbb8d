// What one sample film shows, decided before any pixel is drawn: its size, the anatomy (a single
// long bone, a forearm or lower leg pair, or the rays of a hand with their joints), the film's
// exposure, the markers, and for a fractured film where and how the bone broke. Everything but the
// fracture is drawn from the same distribution for both classes: size, bone count, exposure and
// markers carry no hint of the label.
import { gaussian } from '../rng';
import type { Bone, Limb } from './bones';
import type { Film } from './film';
import { planFilm } from './film';
import type { Fracture, FractureKind } from './fractures';
import { planFracture } from './fractures';
import type { Marker } from './markers';
import { planMarkers } from './markers';

export type Anatomy = 'long' | 'pair' | 'hand';

export interface Plan {
  width: number;
  height: number;
  anatomy: Anatomy;
  bones: Bone[];
  limbs: Limb[];
  /** Soft tissue density at a limb's thickest. */
  tissue: number;
  film: Film;
  markers: Marker[];
  fractures: Fracture[];
}

function between(rng: () => number, a: number, b: number): number {
  return a + (b - a) * rng();
}

function limb(x: number, y: number, angle: number, from: number, to: number, radius: number): Limb {
  const dx = Math.sin(angle), dy = Math.cos(angle);
  return { ax: x + dx * from, ay: y + dy * from, dx, dy, length: to - from, radius };
}

function bone(x: number, y: number, angle: number, from: number, to: number, radius: number, rng: () => number): Bone {
  const dx = Math.sin(angle), dy = Math.cos(angle);
  return {
    ax: x + dx * from,
    ay: y + dy * from,
    dx,
    dy,
    length: to - from,
    radius,
    canal: between(rng, 0.5, 0.68),
    density: between(rng, 0.55, 0.75) * (0.75 + Math.min(0.35, radius / 40)),
    flareStart: between(rng, 0.25, 0.8),
    flareEnd: between(rng, 0.25, 0.8),
  };
}

function anatomy(rng: () => number, kind: Anatomy, w: number, h: number): { bones: Bone[]; limbs: Limb[] } {
  const s = Math.min(w, h), diag = Math.hypot(w, h);
  const along = h >= w ? 0 : Math.PI / 2;
  const angle = along + (rng() < 0.5 ? Math.PI : 0) + gaussian(rng) * 0.2;
  const cx = w * between(rng, 0.4, 0.6), cy = h * between(rng, 0.4, 0.6);
  const px = Math.cos(angle), py = -Math.sin(angle);
  // A joint end in view on most films; otherwise the shaft runs off both edges.
  const end = rng() < 0.7 ? diag * between(rng, 0.1, 0.3) : diag;
  if (kind === 'long') {
    const r = s * between(rng, 0.065, 0.1);
    return { bones: [bone(cx, cy, angle, -diag, end, r, rng)], limbs: [limb(cx, cy, angle, -diag, end + r, r * between(rng, 2.2, 3.2))] };
  }
  if (kind === 'pair') {
    const r1 = s * between(rng, 0.05, 0.075), r2 = r1 * between(rng, 0.6, 0.85);
    const sep = (r1 + r2) * between(rng, 1.2, 1.8);
    const turn = gaussian(rng) * 0.04;
    return {
      bones: [
        bone(cx + (px * sep) / 2, cy + (py * sep) / 2, angle, -diag, end, r1, rng),
        bone(cx - (px * sep) / 2, cy - (py * sep) / 2, angle + turn, -diag, end - r1 * between(rng, 0, 2), r2, rng),
      ],
      limbs: [limb(cx, cy, angle, -diag, end + r1, sep / 2 + r1 * between(rng, 1.5, 2.2))],
    };
  }
  // Hand: rays of metacarpal and phalanges fanning out from the wrist, separated by joint spaces.
  const rays = 3 + Math.floor(rng() * 2);
  const spread = between(rng, 0.07, 0.14);
  const meta = s * between(rng, 0.26, 0.36);
  const r = s * between(rng, 0.03, 0.04);
  const hub = diag * 0.05 + meta * between(rng, 0.7, 1.1);
  const bx = cx - Math.sin(angle) * hub, by = cy - Math.cos(angle) * hub;
  const bones: Bone[] = [];
  const limbs: Limb[] = [limb(bx, by, angle, meta * 0.3, meta * 1.45, (rays * spread * meta * 1.4) / 2 + r * 2.5)];
  for (let i = 0; i < rays; i++) {
    const a = angle + (i - (rays - 1) / 2) * spread + gaussian(rng) * 0.02;
    let t = meta * between(rng, 0.35, 0.5);
    const lengths = [meta * between(rng, 0.9, 1.1), meta * between(rng, 0.55, 0.7), meta * between(rng, 0.3, 0.45)];
    lengths.forEach((len, j) => {
      const rj = r * (1 - 0.12 * j) * between(rng, 0.9, 1.1);
      bones.push(bone(bx, by, a, t, t + len, rj, rng));
      t += len + rj * between(rng, 1.5, 2.2);
    });
    limbs.push(limb(bx, by, a, meta, t, r * between(rng, 2.2, 2.8)));
  }
  return { bones, limbs };
}

/** Where a fracture can go: on a bone's shaft, well inside the film so it is never cut off. */
function fractureSite(rng: () => number, bones: readonly Bone[], w: number, h: number, not: number): [number, number] | undefined {
  for (let attempt = 0; attempt < 40; attempt++) {
    const i = Math.floor(rng() * bones.length);
    if (i === not) continue;
    const b = bones[i];
    const lo = Math.max(2 * b.radius, 0), hi = b.length - 2.5 * b.radius;
    if (hi <= lo) continue;
    const u = between(rng, lo, hi);
    const x = b.ax + b.dx * u, y = b.ay + b.dy * u;
    if (x > 0.18 * w && x < 0.82 * w && y > 0.18 * h && y < 0.82 * h) return [i, u];
  }
  if (not >= 0) return undefined;
  // Rare: no random try landed inside; break the first bone where it passes closest to the centre.
  const b = bones[0];
  const u = (w / 2 - b.ax) * b.dx + (h / 2 - b.ay) * b.dy;
  return [0, Math.max(2 * b.radius, Math.min(b.length - 2.5 * b.radius, u))];
}

/** Plans one film no larger than size x size. */
export function planRadiograph(rng: () => number, size: number, fractured: boolean, kinds?: FractureKind[]): Plan {
  const long = Math.round(size * between(rng, 0.85, 1));
  const short = Math.round(long * between(rng, 0.68, 1));
  const [width, height] = rng() < 0.6 ? [short, long] : [long, short];
  const pick = rng();
  const kind: Anatomy = pick < 0.85 ? 'long' : 'pair';
  const { bones, limbs } = anatomy(rng, kind, width, height);
  const film = planFilm(rng);
  const markers = planMarkers(rng, Math.min(width, height));
  const plan: Plan = { width, height, anatomy: kind, bones, limbs, tissue: between(rng, 0.12, 0.32), film, markers, fractures: [] };
  if (!fractured) return plan;
  const count = rng() < 0.15 ? 2 : 1;
  for (let n = 0; n < count; n++) {
    const site = fractureSite(rng, bones, width, height, n > 0 ? plan.fractures[0].bone : -1);
    if (site) plan.fractures.push(planFracture(rng, bones[site[0]], site[0], site[1], kinds));
  }
  return plan;
}
