// A split of decoded images. Pixels stay uint8 (in memory or in the on-disk cache);
// batches are read out by index so training never holds a float copy of the whole set.
export interface ImageSet {
  readonly size: number;
  /** Side of the square model input, in pixels. */
  readonly imageSize: number;
  readonly labels: Int32Array;
  readonly paths: readonly string[];
  /** Copies the images at `indices` into `out` (or a new array): indices.length * imageSize^2 gray bytes, row-major. */
  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array;
}
