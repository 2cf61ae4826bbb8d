// A split of decoded images. Pixels stay uint8 (in memory or in the on-disk cache);
// batches are read out by index so training never holds a float copy of the whole set.
import { closeSync, openSync, readSync } from 'node:fs';

export interface ImageSet {
  readonly size: number;
  /** Side of the square model input, in pixels. */
  readonly imageSize: number;
  readonly labels: Int32Array;
  readonly paths: readonly string[];
  /** Copies the images at `indices` into `out` (or a new array): indices.length * imageSize^2 gray bytes, row-major. */
  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array;
}

function target(indices: ArrayLike<number>, bytes: number, out?: Uint8Array): Uint8Array {
  const need = indices.length * bytes;
  if (!out) return new Uint8Array(need);
  if (out.length < need) throw new RangeError(`read: output holds ${out.length} bytes, ${need} needed`);
  return out;
}

function checkIndex(i: number, size: number): void {
  if (!(i >= 0 && i < size && Number.isInteger(i))) throw new RangeError(`read: image index ${i} outside 0..${size - 1}`);
}

/** Images held in one packed buffer shared by all splits; `rows` maps this set's index to a buffer row. */
export class MemoryImageSet implements ImageSet {
  readonly size: number;
  constructor(
    readonly imageSize: number,
    readonly labels: Int32Array,
    readonly paths: readonly string[],
    private readonly pixels: Uint8Array,
    private readonly rows: Int32Array,
  ) {
    this.size = rows.length;
  }

  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
    const n = this.imageSize * this.imageSize;
    const dst = target(indices, n, out);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      checkIndex(i, this.size);
      const at = this.rows[i] * n;
      dst.set(this.pixels.subarray(at, at + n), k * n);
    }
    return dst;
  }
}

/**
 * Images read on demand from the cache's segment files, for sets too large to keep in memory.
 * Files are opened per call: a batch costs a few microseconds more, and no descriptor outlives
 * the set (the interface has no close, and training processes run many trainings).
 */
export class FileImageSet implements ImageSet {
  readonly size: number;
  constructor(
    readonly imageSize: number,
    readonly labels: Int32Array,
    readonly paths: readonly string[],
    private readonly segments: readonly string[],
    private readonly segmentOf: Uint16Array,
    private readonly offsets: Float64Array,
  ) {
    this.size = offsets.length;
  }

  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
    const n = this.imageSize * this.imageSize;
    const dst = target(indices, n, out);
    const fds = new Map<number, number>();
    try {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        checkIndex(i, this.size);
        const s = this.segmentOf[i];
        let fd = fds.get(s);
        if (fd === undefined) {
          fd = openSync(this.segments[s], 'r');
          fds.set(s, fd);
        }
        const got = readSync(fd, dst, k * n, n, this.offsets[i]);
        if (got !== n) throw new Error(`image cache file ${this.segments[s]} is shorter than expected (was it deleted while training?)`);
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    return dst;
  }
}
