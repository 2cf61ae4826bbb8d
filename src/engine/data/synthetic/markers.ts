// Things burnt into real films besides anatomy: a lead "L" or "R" side marker, a ruler along one
// edge, and a patient label of text-like blocks. They are drawn with the same odds on fractured and
// normal films, so a model cannot use them as a shortcut; they teach it to look past them.

/** Density written for lead: above anything anatomy reaches, exposed as near white. */
export const LEAD = 2.5;

type Corner = 0 | 1 | 2 | 3;

export interface Marker {
  kind: 'letter' | 'ruler' | 'label';
  corner: Corner;
  /** Pixel size of one glyph cell (letter, label) or tick spacing (ruler). */
  cell: number;
  /** letter: 'L' or 'R'; label: one bit string per glyph. */
  glyphs: string[];
  /** label: dark text on a bright sticker instead of bright text on the film. */
  sticker: boolean;
  /** ruler: along the top/bottom (true) or left/right edge, and its length as a share of that edge. */
  horizontal: boolean;
  length: number;
}

const FONT: Record<string, string[]> = {
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
};

export function planMarkers(rng: () => number, side: number): Marker[] {
  const corners: Corner[] = [0, 1, 2, 3];
  for (let i = 3; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [corners[i], corners[j]] = [corners[j], corners[i]];
  }
  const none = { glyphs: [] as string[], sticker: false, horizontal: false, length: 0 };
  const out: Marker[] = [];
  if (rng() < 0.75) out.push({ ...none, kind: 'letter', corner: corners[0], cell: Math.max(2, Math.round(side * (0.009 + 0.008 * rng()))), glyphs: [rng() < 0.5 ? 'L' : 'R'] });
  if (rng() < 0.25) {
    const n = 4 + Math.floor(rng() * 10);
    const glyphs = Array.from({ length: n }, () => (rng() < 0.15 ? ' ' : Array.from({ length: 15 }, () => (rng() < 0.55 ? '1' : '0')).join('')));
    out.push({ ...none, kind: 'label', corner: corners[1], cell: Math.max(1, Math.round(side * (0.004 + 0.003 * rng()))), glyphs, sticker: rng() < 0.4 });
  }
  // Ruler ticks look like transverse lines: rare, as on films where they are burnt in at all.
  if (rng() < 0.08) out.push({ ...none, kind: 'ruler', corner: corners[2], cell: Math.max(3, Math.round(side * (0.02 + 0.015 * rng()))), horizontal: rng() < 0.5, length: 0.3 + 0.35 * rng() });
  return out;
}

function fill(out: Float32Array, width: number, height: number, x0: number, y0: number, w: number, h: number, value: number): void {
  for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) out[y * width + x] = value;
  }
}

/** Top-left pixel of a w x h block tucked into a corner with a small margin. */
function place(corner: Corner, w: number, h: number, width: number, height: number): [number, number] {
  const m = Math.round(Math.min(width, height) * 0.04);
  return [corner & 1 ? width - m - w : m, corner & 2 ? height - m - h : m];
}

export function drawMarkers(markers: readonly Marker[], out: Float32Array, width: number, height: number): void {
  for (const mk of markers) {
    const c = mk.cell;
    if (mk.kind === 'letter') {
      const rows = FONT[mk.glyphs[0]];
      const [x0, y0] = place(mk.corner, 7 * c, 9 * c, width, height);
      fill(out, width, height, x0, y0, 7 * c, 9 * c, 0.04);
      rows.forEach((row, j) => [...row].forEach((bit, i) => bit === '1' && fill(out, width, height, x0 + (i + 1) * c, y0 + (j + 1) * c, c, c, LEAD)));
    } else if (mk.kind === 'label') {
      const perLine = Math.ceil(mk.glyphs.length / 2);
      const w = (perLine * 4 + 1) * c, h = 13 * c;
      const [x0, y0] = place(mk.corner, w, h, width, height);
      if (mk.sticker) fill(out, width, height, x0, y0, w, h, LEAD);
      mk.glyphs.forEach((g, n) => {
        const gx = x0 + c + (n % perLine) * 4 * c, gy = y0 + c + Math.floor(n / perLine) * 6 * c;
        [...g].forEach((bit, i) => bit === '1' && fill(out, width, height, gx + (i % 3) * c, gy + Math.floor(i / 3) * c, c, c, mk.sticker ? 0 : LEAD));
      });
    } else {
      const along = Math.round((mk.horizontal ? width : height) * mk.length);
      const [x0, y0] = place(mk.corner, mk.horizontal ? along : 3 * c, mk.horizontal ? 3 * c : along, width, height);
      const thick = Math.max(1, Math.round(c / 4));
      for (let t = 0, n = 0; t < along; t += c, n++) {
        const tick = n % 5 === 0 ? 3 * c : Math.round(1.5 * c);
        if (mk.horizontal) fill(out, width, height, x0 + t, y0, thick, tick, LEAD);
        else fill(out, width, height, x0, y0 + t, tick, thick, LEAD);
      }
      if (mk.horizontal) fill(out, width, height, x0, y0, along, thick, LEAD);
      else fill(out, width, height, x0, y0, thick, along, LEAD);
    }
  }
}
