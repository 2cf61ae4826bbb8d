// Sequential DCT JPEG with 12-bit samples (DICOM JPEG Extended, process 4), one component: the
// 8-bit libjpeg-turbo build cannot read it, and lossy 12-bit CR/DX exports use it. Huffman coded,
// non-progressive, restart intervals honoured (ITU T.81, Annex F).
import { DicomError } from './parse';

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30,
  37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** cos((2x+1)uπ/16) scaled by C(u)/2, so one 1-D pass is a matrix product. */
const BASIS = (() => {
  const m = new Float64Array(64);
  for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) m[x * 8 + u] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return m;
})();

interface Huffman {
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
  /** Codes of up to LOOKAHEAD bits, indexed by the next LOOKAHEAD bits: (length << 8) | value, 0 when longer. */
  fast: Uint16Array;
}

const LOOKAHEAD = 9;

function huffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1), valptr = new Int32Array(17), mincode = new Int32Array(17);
  let code = 0, k = 0;
  for (let l = 1; l <= 16; l++) {
    valptr[l] = k;
    mincode[l] = code;
    code += counts[l - 1];
    k += counts[l - 1];
    if (counts[l - 1]) maxcode[l] = code - 1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  const fast = new Uint16Array(1 << LOOKAHEAD);
  for (let l = 1, k = 0; l <= LOOKAHEAD; l++) {
    for (let i = 0; i < counts[l - 1]; i++, k++) {
      const code = mincode[l] + i, spread = LOOKAHEAD - l;
      for (let s = 0; s < 1 << spread; s++) fast[(code << spread) | s] = (l << 8) | values[k];
    }
  }
  return { maxcode, valptr, mincode, values, fast };
}

/** The sample precision of the first frame header, or undefined when there is none. */
export function jpegPrecision(data: Uint8Array): number | undefined {
  for (let i = 2; i + 4 < data.length; ) {
    if (data[i] !== 0xff) return undefined;
    const marker = data[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return data[i + 4];
    i += 2 + ((data[i + 2] << 8) | data[i + 3]);
  }
  return undefined;
}

export function decodeJpeg12(data: Uint8Array): { width: number; height: number; samples: Uint16Array } {
  const fail = (why: string): never => {
    throw new DicomError('unreadable', `DICOM JPEG Extended: ${why}`);
  };
  const quant: Int32Array[] = [], dc: Huffman[] = [], ac: Huffman[] = [];
  let width = 0, height = 0, precision = 0, qIndex = 0, restart = 0;
  let pos = 2;
  const u16 = (at: number): number => (data[at] << 8) | data[at + 1];
  for (;;) {
    if (pos + 4 > data.length) fail('ends before its image data');
    if (data[pos] !== 0xff) fail(`no marker at byte ${pos}`);
    const marker = data[pos + 1], len = u16(pos + 2), body = pos + 4, end = pos + 2 + len;
    if (marker === 0xdb) {
      for (let p = body; p < end; ) {
        const wide = data[p] >> 4, t = data[p] & 15;
        const q = new Int32Array(64);
        for (let k = 0; k < 64; k++) q[ZIGZAG[k]] = wide ? u16(p + 1 + 2 * k) : data[p + 1 + k];
        quant[t] = q;
        p += 1 + 64 * (wide ? 2 : 1);
      }
    } else if (marker === 0xc4) {
      for (let p = body; p < end; ) {
        const counts = data.subarray(p + 1, p + 17);
        const n = counts.reduce((a, b) => a + b, 0);
        (data[p] >> 4 ? ac : dc)[data[p] & 15] = huffman(counts, data.subarray(p + 17, p + 17 + n));
        p += 17 + n;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = data[body];
      height = u16(body + 1);
      width = u16(body + 3);
      if (data[body + 5] !== 1) throw new DicomError('unsupported', `DICOM JPEG Extended with ${data[body + 5]} components and ${precision}-bit samples is not supported`);
      qIndex = data[body + 8];
    } else if (marker === 0xdd) {
      restart = u16(body);
    } else if (marker === 0xda) {
      pos = end;
      const td = data[body + 2] >> 4, ta = data[body + 2] & 15;
      if (!width || !quant[qIndex] || !dc[td] || !ac[ta]) fail('scan before its frame, quantisation or Huffman tables');
      return { width, height, samples: decodeScan(data, pos, width, height, precision, quant[qIndex], dc[td], ac[ta], restart) };
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc) {
      throw new DicomError('unsupported', `DICOM JPEG with frame type 0x${marker.toString(16)} (progressive, lossless or arithmetic) and ${data[body]}-bit samples is not supported`);
    }
    pos = end;
  }
}

function decodeScan(data: Uint8Array, start: number, width: number, height: number, precision: number, q: Int32Array, dcTable: Huffman, acTable: Huffman, restart: number): Uint16Array {
  // Bits are read through a 32-bit accumulator holding `count` unread bits in its low end.
  let pos = start, acc = 0, count = 0;
  const fill = (): void => {
    while (count <= 24) {
      let byte = 0;
      if (pos < data.length && data[pos] !== 0xff) byte = data[pos++];
      else if (pos < data.length && data[pos + 1] === 0) {
        byte = 0xff; // a stuffed 0xFF
        pos += 2;
      } // else a marker or the end: pad with zeros rather than read into it
      acc = (acc << 8) | byte;
      count += 8;
    }
  };
  const receive = (n: number): number => {
    if (n === 0) return 0;
    fill();
    count -= n;
    return (acc >>> count) & ((1 << n) - 1);
  };
  const extend = (v: number, n: number): number => (n && v < 1 << (n - 1) ? v - (1 << n) + 1 : v);
  const decode = (h: Huffman): number => {
    fill();
    const hit = h.fast[(acc >>> (count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
    if (hit) {
      count -= hit >> 8;
      return hit & 255;
    }
    for (let l = LOOKAHEAD + 1; l <= 16; l++) {
      const code = (acc >>> (count - l)) & ((1 << l) - 1);
      if (code <= h.maxcode[l]) {
        count -= l;
        return h.values[h.valptr[l] + code - h.mincode[l]];
      }
    }
    throw new DicomError('unreadable', 'DICOM JPEG Extended: bad Huffman code');
  };
  const bw = Math.ceil(width / 8), bh = Math.ceil(height / 8);
  const out = new Uint16Array(width * height);
  const coef = new Float64Array(64), tmp = new Float64Array(64);
  const shift = 1 << (precision - 1), max = (1 << precision) - 1;
  let pred = 0;
  for (let b = 0; b < bw * bh; b++) {
    if (restart && b > 0 && b % restart === 0) {
      acc = count = 0;
      while (pos + 1 < data.length && !(data[pos] === 0xff && data[pos + 1] >= 0xd0 && data[pos + 1] <= 0xd7)) pos++;
      pos += 2;
      pred = 0;
    }
    coef.fill(0);
    const s = decode(dcTable);
    pred += extend(receive(s), s);
    coef[0] = pred * q[0];
    for (let k = 1; k < 64; ) {
      const rs = decode(acTable), r = rs >> 4, size = rs & 15;
      if (size === 0) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) break;
      coef[ZIGZAG[k]] = extend(receive(size), size) * q[ZIGZAG[k]];
      k++;
    }
    // Rows then columns of the inverse DCT, each a product with the basis matrix.
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += BASIS[x * 8 + u] * coef[y * 8 + u];
      tmp[y * 8 + x] = sum;
    }
    const bx = (b % bw) * 8, by = Math.floor(b / bw) * 8;
    for (let x = 0; x < 8; x++) for (let y = 0; y < 8; y++) {
      if (by + y >= height || bx + x >= width) continue;
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += BASIS[y * 8 + v] * tmp[v * 8 + x];
      const value = Math.round(sum) + shift;
      out[(by + y) * width + bx + x] = value < 0 ? 0 : value > max ? max : value;
    }
  }
  return out;
}
