import type { SkipReason } from '../types';

/** Why one file could not be used. */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: SkipReason,
    detail: string,
  ) {
    super(`${path}: ${reason}: ${detail}`);
  }
}

/** Decodes any supported image to imageSize x imageSize gray uint8. Throws DecodeError. */
export async function decodeImage(path: string, imageSize: number): Promise<Uint8Array> {
  void path;
  void imageSize;
  throw new Error('decodeImage: not implemented yet');
}
