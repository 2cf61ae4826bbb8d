// Near-copies of an image (re-encoded, resized, slightly brightened) are found by a difference
// hash of the decoded pixels: 64 bits saying, on a 9x8 shrink, whether each pixel is brighter than
// its right neighbour. Copies differ in a few bits at most; different X-rays, even of one body
// part, in many more. Candidate pairs come from exact matches of hash chunks (if two hashes differ
// in at most d bits, one of d + 1 chunks is identical), so no all-pairs comparison is needed.

/** Largest Hamming distance between the hashes of two images taken for copies of each other. */
export const NEAR_DUPLICATE_BITS = 2;

/** The 64-bit difference hash of a size x size gray image, as [high, low] 32-bit words. */
export function differenceHash(pixels: Uint8Array, offset: number, size: number): [number, number] {
  // Area-average to 9 columns x 8 rows.
  const cells = new Float64Array(72);
  const counts = new Float64Array(72);
  for (let y = 0; y < size; y++) {
    const row = Math.min(7, Math.floor((y * 8) / size));
    for (let x = 0; x < size; x++) {
      const c = row * 9 + Math.min(8, Math.floor((x * 9) / size));
      cells[c] += pixels[offset + y * size + x];
      counts[c]++;
    }
  }
  let hi = 0;
  let lo = 0;
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const bit = cells[r * 9 + c] / counts[r * 9 + c] > cells[r * 9 + c + 1] / counts[r * 9 + c + 1] ? 1 : 0;
      const k = r * 8 + c;
      if (k < 32) hi = (hi | (bit << (31 - k))) >>> 0;
      else lo = (lo | (bit << (63 - k))) >>> 0;
    }
  }
  return [hi, lo];
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export const hashDistance = (a: [number, number], b: [number, number]) => popcount((a[0] ^ b[0]) >>> 0) + popcount((a[1] ^ b[1]) >>> 0);

/** Chunk j of a 64-bit hash split into `parts` nearly equal runs of bits, as a string key. */
function chunk(h: [number, number], j: number, parts: number): string {
  const from = Math.floor((64 * j) / parts);
  const to = Math.floor((64 * (j + 1)) / parts);
  let s = '';
  for (let b = from; b < to; b++) s += b < 32 ? (h[0] >>> (31 - b)) & 1 : (h[1] >>> (63 - b)) & 1;
  return `${j}:${s}`;
}

/**
 * Pairs [i, j, distance] (i < j) of hashes at most `maxBits` apart. Images whose hash is all zeros
 * or all ones (blank or flat pictures) carry no structure to compare and are left out.
 */
export function nearPairs(hashes: ([number, number] | undefined)[], maxBits = NEAR_DUPLICATE_BITS): [number, number, number][] {
  const parts = maxBits + 1;
  const buckets = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    if (!h || (h[0] === 0 && h[1] === 0) || (h[0] === 0xffffffff && h[1] === 0xffffffff)) return;
    for (let j = 0; j < parts; j++) {
      const key = chunk(h, j, parts);
      const b = buckets.get(key);
      if (b) b.push(i);
      else buckets.set(key, [i]);
    }
  });
  const seen = new Set<string>();
  const out: [number, number, number][] = [];
  for (const members of buckets.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const key = `${members[x]},${members[y]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const d = hashDistance(hashes[members[x]]!, hashes[members[y]]!);
        if (d <= maxBits) out.push([members[x], members[y], d]);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
