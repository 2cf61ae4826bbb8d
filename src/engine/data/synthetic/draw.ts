// Draws a planned film: soft tissue, bones (the broken one through its fracture), markers, then
// exposure. The fracture's box is every pixel where the broken bone's density differs from the
// same bone unbroken, widened by the film's blur: the smallest box that holds all of what the
// fracture changed, however subtle.
import type { Bone } from './bones';
import { boneBounds, boneDensity, drawTissue, maxRadius } from './bones';
import { BLUR_REACH, expose, TEXTURE, TEXTURE_SIDE } from './film';
import type { Fracture } from './fractures';
import { fracturedDensity } from './fractures';
import { drawMarkers } from './markers';
import type { Plan } from './plan';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Radiograph {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Union of the fractures' boxes, when a fracture was drawn. */
  box?: Box;
}

/** A density change below this (a tenth of a gray level or so on most films) is not part of the fracture. */
const VISIBLE = 0.004;

interface Extent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function drawBone(plan: Plan, b: Bone, fracture: Fracture | undefined, density: Float32Array, extent: Extent): void {
  const { width, height, film } = plan;
  const pad = fracture ? Math.abs(fracture.shift) + Math.abs(fracture.amp) + 2 : 1;
  const [x0, y0, x1, y1] = boneBounds(b, pad, width, height);
  const reach = maxRadius(b) + pad;
  const mask = TEXTURE_SIDE - 1, texture = TEXTURE, side = TEXTURE_SIDE;
  for (let y = y0; y <= y1; y++) {
    const ry = y + 0.5 - b.ay;
    const trow = ((y + film.textureY) & mask) * side;
    for (let x = x0; x <= x1; x++) {
      const rx = x + 0.5 - b.ax;
      const v = rx * b.dy - ry * b.dx;
      if (v > reach || v < -reach) continue;
      const u = rx * b.dx + ry * b.dy;
      const plain = boneDensity(b, u, v);
      let d = plain;
      if (fracture && u >= fracture.uMin && u <= fracture.uMax) {
        d = fracturedDensity(b, fracture, u, v);
        if (Math.abs(d - plain) > VISIBLE) {
          if (x < extent.x0) extent.x0 = x;
          if (x > extent.x1) extent.x1 = x;
          if (y < extent.y0) extent.y0 = y;
          if (y > extent.y1) extent.y1 = y;
        }
      }
      if (d > 0) density[y * width + x] += d * (1 + film.texture * texture[trow + ((x + film.textureX) & mask)]);
    }
  }
}

/** Renders the film; with `fracture: false` the same film as if the bones had not broken. */
export function drawRadiograph(plan: Plan, options: { fracture?: boolean } = {}): Radiograph {
  const { width, height } = plan;
  const withFracture = options.fracture ?? true;
  const density = new Float32Array(width * height);
  drawTissue(plan.limbs, plan.tissue, density, width, height);
  const extent: Extent = { x0: width, y0: height, x1: -1, y1: -1 };
  plan.bones.forEach((b, i) => drawBone(plan, b, withFracture ? plan.fractures.find((f) => f.bone === i) : undefined, density, extent));
  drawMarkers(plan.markers, density, width, height);
  const pixels = expose(density, width, height, plan.film);
  if (extent.x1 < 0) return { pixels, width, height };
  const grow = BLUR_REACH + 1;
  const x0 = Math.max(0, extent.x0 - grow), y0 = Math.max(0, extent.y0 - grow);
  const x1 = Math.min(width - 1, extent.x1 + grow), y1 = Math.min(height - 1, extent.y1 + grow);
  return { pixels, width, height, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}
