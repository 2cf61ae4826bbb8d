// Turns scanned files into cached gray pixels, several at a time so sharp keeps every core busy.
// A file whose size, mtime and inode match the cache's record is neither read nor hashed; a
// renamed or touched file is read and hashed but not decoded again; only new content is decoded.
import { statSync } from 'node:fs';
import sharp from 'sharp';
import type { SkippedFile } from '../types';
import type { GroupKeys, PixelCache } from './cache';
import { contentHash } from './cache';
import { DecodeError, decodeForDataset, readImageFile } from './decode';
import type { ScannedFile } from './scan';

export type PixelStore =
  | { kind: 'memory'; pixels: Uint8Array }
  | { kind: 'file'; segments: string[]; segmentOf: Uint16Array; offsets: Float64Array };

export interface IngestResult {
  ok: Uint8Array;
  /** Content hash per file ('' when it could not be read). */
  hashes: string[];
  /** Salted patient and study keys per DICOM file. */
  groups: (GroupKeys | undefined)[];
  skipped: SkippedFile[];
  cachedImages: number;
  store: PixelStore;
}

export interface IngestOptions {
  imageSize: number;
  inMemory: boolean;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function ingest(files: ScannedFile[], cache: PixelCache, opts: IngestOptions): Promise<IngestResult> {
  const total = files.length;
  const bytes = opts.imageSize * opts.imageSize;
  const ok = new Uint8Array(total);
  const hashes: string[] = new Array<string>(total).fill('');
  const groups: (GroupKeys | undefined)[] = new Array(total);
  const skips: (SkippedFile | undefined)[] = new Array(total);
  const pixels = opts.inMemory ? new Uint8Array(total * bytes) : undefined;
  const segmentOf = new Uint16Array(opts.inMemory ? 0 : total);
  const offsets = new Float64Array(opts.inMemory ? 0 : total);
  const segments: string[] = [];
  const segmentIds = new Map<string, number>();
  const scratch = new Uint8Array(bytes);
  let cachedImages = 0;

  const place = (i: number, seg: string, offset: number): void => {
    if (pixels) return;
    let id = segmentIds.get(seg);
    if (id === undefined) {
      id = segments.push(cache.segmentPath(seg)) - 1;
      segmentIds.set(seg, id);
    }
    segmentOf[i] = id;
    offsets[i] = offset;
  };

  const skip = (i: number, e: DecodeError): void => {
    skips[i] = { path: files[i].path, reason: e.reason, detail: e.detail };
  };

  /** Serves file i from the cache; false when the entry is missing or damaged. */
  const fromCache = (i: number, hash: string): boolean => {
    const entry = cache.lookup(hash);
    if (!entry) return false;
    hashes[i] = hash;
    if ('reason' in entry) {
      skips[i] = { path: files[i].path, reason: entry.reason, detail: entry.detail };
      return true;
    }
    const good = pixels ? cache.readInto(entry, pixels, i * bytes) : cache.readInto(entry, scratch, 0);
    if (!good) return false;
    place(i, entry.seg, entry.offset);
    ok[i] = 1;
    groups[i] = entry.groups;
    cachedImages++;
    return true;
  };

  const one = async (i: number): Promise<void> => {
    const f = files[i];
    let st;
    try {
      st = statSync(f.path);
    } catch (err) {
      skip(i, new DecodeError(f.path, 'unreadable', (err as Error).message));
      return;
    }
    // A named pipe or device has size 0 but is not empty: it is not a file to read at all.
    if (!st.isFile()) {
      skip(i, new DecodeError(f.path, 'unreadable', st.isFIFO() ? 'is a named pipe (FIFO), not a regular file' : st.isDirectory() ? 'is a folder' : 'is not a regular file (a device or socket)'));
      return;
    }
    const known = cache.hashFor(f.rel, st.size, st.mtimeMs, st.ino);
    if (known && fromCache(i, known)) return;
    if (st.size === 0) {
      skip(i, new DecodeError(f.path, 'empty', 'file is empty (0 bytes)'));
      return;
    }
    let buf: Buffer;
    try {
      buf = readImageFile(f.path);
    } catch (err) {
      if (err instanceof DecodeError) return skip(i, err);
      throw err;
    }
    const hash = contentHash(buf);
    cache.stamp(f.rel, st.size, st.mtimeMs, st.ino, hash);
    if (hash !== known && fromCache(i, hash)) return;
    hashes[i] = hash;
    try {
      const { pixels: px, identity } = await decodeForDataset(buf, f.path, opts.imageSize);
      groups[i] = identity ? cache.groupKeys(identity) : undefined;
      const at = cache.put(hash, px, groups[i]);
      if (pixels) pixels.set(px, i * bytes);
      place(i, at.seg, at.offset);
      ok[i] = 1;
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      skip(i, err);
      cache.putSkip(hash, err.reason, err.detail);
    }
  };

  let next = 0;
  let done = 0;
  let lastReport = 0;
  opts.onProgress?.(0, total);
  let fatal: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < total && !opts.signal?.aborted) {
      try {
        await one(next++);
      } catch (error) {
        // Not a bad image but a broken cache or disk: stop all workers and report it.
        fatal ??= { error };
        next = total;
      }
      done++;
      const now = Date.now();
      if (now - lastReport >= 100 || done === total) {
        lastReport = now;
        opts.onProgress?.(done, total);
      }
    }
  };
  // Parallel across images, one libvips thread within each: small images gain nothing from
  // splitting, and cores x in-flight threads would oversubscribe (glibc builds already default to 1).
  const vipsThreads = sharp.concurrency();
  sharp.concurrency(1);
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    sharp.concurrency(vipsThreads);
  }
  if (fatal) {
    cache.discard();
    throw fatal.error;
  }
  // Keep what was decoded even when cancelled: the next run starts from there.
  cache.save(new Set(files.map((f) => f.rel)));
  opts.signal?.throwIfAborted();

  const store: PixelStore = pixels ? { kind: 'memory', pixels } : { kind: 'file', segments, segmentOf, offsets };
  return { ok, hashes, groups, skipped: skips.filter((s): s is SkippedFile => s !== undefined), cachedImages, store };
}
