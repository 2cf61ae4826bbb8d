// A bone as a radiograph shows it: a hollow tube seen side-on (bright cortex, darker medullary
// canal) that flares into a rounded, denser joint end at each extremity. Density is the projected
// thickness, so overlapping bones and soft tissue simply add up, as attenuation does.

/** One bone in image coordinates: an axis from (ax, ay) along the unit vector (dx, dy). */
export interface Bone {
  ax: number;
  ay: number;
  dx: number;
  dy: number;
  length: number;
  /** Outer radius of the shaft, in pixels. */
  radius: number;
  /** Medullary canal radius as a share of the outer radius, along the shaft. */
  canal: number;
  /** Peak projected density of this bone, 0..1. */
  density: number;
  /** Extra radius at each joint end, as a share of the shaft radius. */
  flareStart: number;
  flareEnd: number;
}

/** A limb's soft tissue: a cylinder of flesh around an axis, seen side-on. */
export interface Limb {
  ax: number;
  ay: number;
  dx: number;
  dy: number;
  length: number;
  radius: number;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function smooth01(x: number): number {
  const t = clamp01(x);
  return t * t * (3 - 2 * t);
}

/** Largest outer radius anywhere along the bone, for bounding boxes. */
export function maxRadius(b: Bone): number {
  return b.radius * (1 + Math.max(b.flareStart, b.flareEnd));
}

/** Projected density at bone coordinates (u along the axis from its start, v across it). */
export function boneDensity(b: Bone, u: number, v: number): number {
  const r = b.radius;
  const reach = 2.5 * r;
  const nearStart = 1 - smooth01(u / reach);
  const nearEnd = 1 - smooth01((b.length - u) / reach);
  const outer = r * (1 + b.flareStart * nearStart + b.flareEnd * nearEnd);
  // Towards the joints the canal fills with spongy bone: the end looks denser and more even.
  const inner = outer * b.canal * (1 - 0.75 * Math.max(nearStart, nearEnd));
  // Past either end the joint surface is a rounded cap.
  const w = u < 0 ? Math.sqrt(u * u + v * v) : u > b.length ? Math.sqrt((u - b.length) ** 2 + v * v) : Math.abs(v);
  const o = outer * outer - w * w;
  if (o <= 0) return 0;
  const i = inner * inner - w * w;
  return (b.density * (Math.sqrt(o) - (i > 0 ? 0.82 * Math.sqrt(i) : 0))) / outer;
}

/** Pixel bounds [x0, y0, x1, y1] (inclusive, clipped) of everything the bone can cover. */
export function boneBounds(b: Bone, pad: number, width: number, height: number): [number, number, number, number] {
  const m = maxRadius(b) + pad;
  const ex = b.ax + b.dx * b.length, ey = b.ay + b.dy * b.length;
  return [
    Math.max(0, Math.floor(Math.min(b.ax, ex) - m)),
    Math.max(0, Math.floor(Math.min(b.ay, ey) - m)),
    Math.min(width - 1, Math.ceil(Math.max(b.ax, ex) + m)),
    Math.min(height - 1, Math.ceil(Math.max(b.ay, ey) + m)),
  ];
}

/** Adds the soft tissue: where limbs overlap (palm and fingers) the thicker one counts. */
export function drawTissue(limbs: readonly Limb[], level: number, out: Float32Array, width: number, height: number): void {
  const tissue = new Float32Array(width * height);
  for (const b of limbs) {
    const ex = b.ax + b.dx * b.length, ey = b.ay + b.dy * b.length;
    const x0 = Math.max(0, Math.floor(Math.min(b.ax, ex) - b.radius)), x1 = Math.min(width - 1, Math.ceil(Math.max(b.ax, ex) + b.radius));
    const y0 = Math.max(0, Math.floor(Math.min(b.ay, ey) - b.radius)), y1 = Math.min(height - 1, Math.ceil(Math.max(b.ay, ey) + b.radius));
    const t2 = b.radius * b.radius;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const rx = x + 0.5 - b.ax, ry = y + 0.5 - b.ay;
        const u = Math.max(0, Math.min(b.length, rx * b.dx + ry * b.dy));
        const px = rx - u * b.dx, py = ry - u * b.dy;
        const d2 = px * px + py * py;
        if (d2 >= t2) continue;
        const t = Math.sqrt(1 - d2 / t2);
        const k = y * width + x;
        if (t > tissue[k]) tissue[k] = t;
      }
    }
  }
  for (let k = 0; k < tissue.length; k++) out[k] += level * tissue[k];
}
