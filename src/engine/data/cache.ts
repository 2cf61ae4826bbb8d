// The decoded-pixel cache of one dataset folder at one image size and preprocessing version.
//
// Pixels live in append-only segment files (uint8, imageSize^2 bytes per image, back to back),
// which disk-backed image sets read directly. index.json maps a file's content hash to its
// segment, offset and CRC-32 (or to the reason it could not be decoded), and each file's
// (size, mtime, inode) to its content hash, so a cached run neither reads nor hashes the images.
// Segments are written under a temporary name and renamed; the index is rewritten the same way
// after them, so a crash leaves at worst an unreferenced segment, never an entry pointing at
// missing bytes. A CRC mismatch (disk damage, tampering) makes the image decode again.
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { SkipReason } from '../types';
import type { ImageIdentity } from './decode';
import { PREPROCESS_VERSION } from './decode';

/** Salted hashes of the patient and the study a DICOM image belongs to ('' when the file names none). */
export type GroupKeys = [patient: string, study: string];

/** [segment, byte offset, crc32, group keys of DICOM files] or [skip reason, decoder detail]. */
type Entry = [string, number, number] | [string, number, number, GroupKeys] | [SkipReason, string];
/** [size, mtimeMs, inode, content hash] */
type FileStamp = [number, number, number, string];

interface IndexFile {
  format: 'fracture-cnn-pixels';
  version: number;
  imageSize: number;
  root: string;
  entries: Record<string, Entry>;
  files: Record<string, FileStamp>;
}

export type CachedEntry = { seg: string; offset: number; crc: number; groups?: GroupKeys } | { reason: SkipReason; detail: string };

const ORPHAN_AGE_MS = 3600_000;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'fracture-cnn');
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/**
 * One random salt per cache folder, made once: group keys must match across runs (they are
 * cached with the pixels), yet a patient ID must not be recoverable from its key by hashing
 * every plausible ID.
 */
function readSalt(cacheRoot: string): string {
  const path = join(cacheRoot, 'group-salt');
  try {
    writeFileSync(path, randomBytes(16).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch {
    // made before, by this or another process
  }
  const salt = readFileSync(path, 'utf8').trim();
  if (salt.length < 16) throw new Error(`${path} is damaged; delete it`);
  return salt;
}

const SKIP_REASONS = new Set<string>(['unreadable', 'empty', 'truncated', 'not-an-image', 'unsupported']);
/** Segment names as put() makes them: nothing else (no path) may be opened from the cache folder. */
const SEGMENT_NAME = /^seg-[0-9a-z]+-\d+-[0-9a-z]+\.u8$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Entries a damaged or hand-edited index.json may hold are dropped one by one (the image is
 * decoded again), so no later run trips over them. Null-prototype maps: a hash key such as
 * "__proto__" stays a plain key.
 */
function validEntries(raw: Record<string, unknown>): Record<string, Entry> {
  const out: Record<string, Entry> = Object.create(null);
  for (const [hash, e] of Object.entries(raw)) {
    if (!Array.isArray(e)) continue;
    const groups = e.length === 4 && Array.isArray(e[3]) && e[3].length === 2 && e[3].every((g: unknown) => typeof g === 'string');
    const pixels = (e.length === 3 || groups) && typeof e[0] === 'string' && SEGMENT_NAME.test(e[0]) && Number.isSafeInteger(e[1]) && e[1] >= 0 && Number.isInteger(e[2]);
    const skip = e.length === 2 && SKIP_REASONS.has(e[0]) && typeof e[1] === 'string';
    if (pixels || skip) out[hash] = e as Entry;
  }
  return out;
}

function validStamps(raw: Record<string, unknown>): Record<string, FileStamp> {
  const out: Record<string, FileStamp> = Object.create(null);
  for (const [rel, s] of Object.entries(raw)) {
    if (Array.isArray(s) && s.length === 4 && typeof s[0] === 'number' && typeof s[1] === 'number' && typeof s[2] === 'number' && typeof s[3] === 'string') out[rel] = s as FileStamp;
  }
  return out;
}

export class PixelCache {
  private index: IndexFile;
  private salt = '';
  private readonly fds = new Map<string, number>();
  private writer?: { name: string; tmp: string; fd: number; size: number };
  private added: Record<string, Entry> = {};
  private stamped: Record<string, FileStamp> = {};

  private constructor(
    readonly dir: string,
    readonly imageSize: number,
    root: string,
  ) {
    this.index = PixelCache.readIndex(dir, imageSize) ?? { format: 'fracture-cnn-pixels', version: 1, imageSize, root, entries: {}, files: {} };
  }

  /** Opens (creating) the cache of `root`; throws when the folder cannot be created. */
  static open(cacheRoot: string, root: string, imageSize: number): PixelCache {
    const key = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16);
    const dir = join(cacheRoot, `pixels-v${PREPROCESS_VERSION}`, `${imageSize}px`, key);
    mkdirSync(dir, { recursive: true });
    const cache = new PixelCache(dir, imageSize, resolve(root));
    cache.salt = readSalt(cacheRoot);
    return cache;
  }

  /** Salted hashes of a DICOM file's patient and study, the only form in which they are kept. */
  groupKeys(identity: ImageIdentity): GroupKeys {
    const hash = (v?: string): string => (v ? createHash('sha256').update(`${this.salt}\0${v}`).digest('hex').slice(0, 20) : '');
    return [hash(identity.patientId), hash(identity.studyUid)];
  }

  private static readIndex(dir: string, imageSize: number): IndexFile | undefined {
    try {
      const idx = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexFile;
      if (!isObject(idx) || idx.format !== 'fracture-cnn-pixels' || idx.version !== 1 || idx.imageSize !== imageSize) return undefined;
      if (!isObject(idx.entries) || !isObject(idx.files)) return undefined;
      return { ...idx, entries: validEntries(idx.entries), files: validStamps(idx.files) };
    } catch {
      return undefined; // missing or damaged: start afresh
    }
  }

  get bytesPerImage(): number {
    return this.imageSize * this.imageSize;
  }

  segmentPath(seg: string): string {
    return join(this.dir, seg);
  }

  /** Content hash of a file whose size, mtime and inode are unchanged since it was last hashed. */
  hashFor(rel: string, size: number, mtimeMs: number, ino: number): string | undefined {
    const s = this.stamped[rel] ?? this.index.files[rel];
    return s && s[0] === size && s[1] === mtimeMs && s[2] === ino ? s[3] : undefined;
  }

  stamp(rel: string, size: number, mtimeMs: number, ino: number, hash: string): void {
    this.stamped[rel] = [size, mtimeMs, ino, hash];
  }

  lookup(hash: string): CachedEntry | undefined {
    const e = this.added[hash] ?? this.index.entries[hash];
    if (!e) return undefined;
    if (e.length === 2) return { reason: e[0], detail: e[1] };
    return e.length === 4 ? { seg: e[0], offset: e[1], crc: e[2], groups: e[3] } : { seg: e[0], offset: e[1], crc: e[2] };
  }

  /** Reads an entry's pixels into out[at..]; false when the bytes are missing or fail their checksum. */
  readInto(entry: { seg: string; offset: number; crc: number }, out: Uint8Array, at: number): boolean {
    const n = this.bytesPerImage;
    try {
      let fd = this.writer?.name === entry.seg ? this.writer.fd : this.fds.get(entry.seg);
      if (fd === undefined) {
        fd = openSync(this.segmentPath(entry.seg), 'r');
        this.fds.set(entry.seg, fd);
      }
      if (readSync(fd, out, at, n, entry.offset) !== n) return false;
    } catch {
      return false;
    }
    return crc32(out.subarray(at, at + n)) === entry.crc;
  }

  /** Appends decoded pixels to this run's segment; returns where they went. */
  put(hash: string, pixels: Uint8Array, groups?: GroupKeys): { seg: string; offset: number } {
    if (!this.writer) {
      const name = `seg-${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.u8`;
      const tmp = join(this.dir, `${name}.tmp`);
      this.writer = { name, tmp, fd: openSync(tmp, 'w+'), size: 0 };
    }
    const w = this.writer;
    const offset = w.size;
    writeSync(w.fd, pixels, 0, pixels.length, offset);
    w.size += pixels.length;
    this.added[hash] = groups ? [w.name, offset, crc32(pixels), groups] : [w.name, offset, crc32(pixels)];
    return { seg: w.name, offset };
  }

  putSkip(hash: string, reason: SkipReason, detail: string): void {
    this.added[hash] = [reason, detail];
  }

  /**
   * Publishes this run's segment and index. Entries other processes saved meanwhile are kept,
   * so two trainings on the same folder cannot undo each other's work. `present`: every file
   * now in the folder, when known, so records of deleted files are dropped.
   */
  save(present?: ReadonlySet<string>): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    if (this.writer) {
      closeSync(this.writer.fd);
      renameSync(this.writer.tmp, join(this.dir, this.writer.name));
      this.writer = undefined;
    }
    const gone = present ? Object.keys(this.index.files).filter((rel) => !present.has(rel)) : [];
    if (Object.keys(this.added).length === 0 && Object.keys(this.stamped).length === 0 && gone.length === 0) return;
    const latest = PixelCache.readIndex(this.dir, this.imageSize) ?? this.index;
    const files = { ...latest.files, ...this.stamped };
    // Records of files no longer in the folder would only grow the index.
    if (present) for (const rel of Object.keys(files)) if (!present.has(rel)) delete files[rel];
    const next: IndexFile = { ...latest, entries: { ...latest.entries, ...this.added }, files };
    const tmp = join(this.dir, `index.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(next));
    renameSync(tmp, join(this.dir, 'index.json'));
    this.index = next;
    this.added = {};
    this.stamped = {};
    this.removeOrphans();
  }

  /** Segments no entry points at, left by crashed runs or lost index races; old enough that no run is still writing them. */
  private removeOrphans(): void {
    const used = new Set(Object.values(this.index.entries).map((e) => e[0]));
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith('seg-') || used.has(name)) continue;
      try {
        if (Date.now() - statSync(join(this.dir, name)).mtimeMs > ORPHAN_AGE_MS) unlinkSync(join(this.dir, name));
      } catch {
        // another run removed it first
      }
    }
  }

  /** Drops the open segment without publishing it (the run failed before anything was usable). */
  discard(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    if (this.writer) {
      closeSync(this.writer.fd);
      try {
        unlinkSync(this.writer.tmp);
      } catch {
        // already gone
      }
      this.writer = undefined;
    }
  }
}
