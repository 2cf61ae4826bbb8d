// The heat map's colours, free of image libraries so a webview can draw the same legend.

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Jet colour map (blue for 0, through cyan, yellow, to red for 1), as a 256-entry RGB table. */
export const JET: Uint8Array = (() => {
  const t = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    t[i * 3] = Math.round(255 * clamp01(1.5 - Math.abs(4 * v - 3)));
    t[i * 3 + 1] = Math.round(255 * clamp01(1.5 - Math.abs(4 * v - 2)));
    t[i * 3 + 2] = Math.round(255 * clamp01(1.5 - Math.abs(4 * v - 1)));
  }
  return t;
})();
