// Where the sample set may be written, and how it gets there without harming anything else.
// The generator only writes into a folder that does not exist, is empty, or holds a set it wrote
// itself (proved by its manifest, which lists every file it wrote); it never deletes a file it did
// not list. A new set is written into a hidden sibling folder and renamed into place, so a crash
// leaves either the old set or the new one, not half of each.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DatasetError } from '../errors';

export const MANIFEST = '.fracture-cnn-sample.json';
/** Bumped when the same options would draw different images. */
export const GENERATOR_VERSION = 2;

export interface SampleManifest {
  generator: 'fracture-cnn sample';
  version: number;
  options: { fractured: number; normal: number; size: number; seed: number; format: string };
  /** Every file written, relative to the folder, '/'-separated; the manifest itself excluded. */
  files: string[];
}

export type FolderState =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'ours'; manifest: SampleManifest }
  /** Images and boxes.json named as the generator names them, but no manifest: an older version's set, or someone's copy. */
  | { kind: 'unmarked' }
  | { kind: 'foreign'; files: string[] };

/** The sample folder cannot be written as asked; the message says which folder and why. */
export class SampleFolderError extends DatasetError {
  constructor(root: string, message: string) {
    super(root, message);
    this.name = 'SampleFolderError';
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), `${rel}/`)));
    else out.push(rel);
  }
  return out.sort();
}

async function readManifest(dir: string): Promise<SampleManifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as SampleManifest;
    return m.generator === 'fracture-cnn sample' && Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

const GENERATED_NAME = /^(?:boxes\.json|(fractured|normal)\/\1-\d{4,}\.(?:png|jpg))$/;

export async function inspectSampleFolder(dir: string): Promise<FolderState> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw err;
  }
  if (!info.isDirectory()) throw new SampleFolderError(dir, `${dir} is a file, not a folder; choose an empty or new folder for the sample dataset`);
  const files = await listFiles(dir);
  if (files.length === 0) return { kind: 'empty' };
  const manifest = await readManifest(dir);
  if (manifest) {
    const listed = new Set([...manifest.files, MANIFEST]);
    const foreign = files.filter((f) => !listed.has(f));
    return foreign.length === 0 ? { kind: 'ours', manifest } : { kind: 'foreign', files: foreign };
  }
  if (files.includes('boxes.json') && files.every((f) => GENERATED_NAME.test(f))) return { kind: 'unmarked' };
  return { kind: 'foreign', files };
}

/** Throws SampleFolderError unless the generator may (re)write `dir`. */
export function assertWritable(dir: string, state: FolderState): void {
  if (state.kind === 'foreign') {
    const n = state.files.length;
    const such = state.files.slice(0, 3).join(', ');
    throw new SampleFolderError(dir, `${dir} holds ${n} file${n === 1 ? '' : 's'} that the sample generator did not write, such as ${such}; choose an empty or new folder`);
  }
  if (state.kind === 'unmarked') {
    throw new SampleFolderError(dir, `${dir} holds a sample dataset without the generator's manifest (${MANIFEST}), so it cannot tell its files from yours; delete the folder or choose an empty or new one`);
  }
}

/** A fresh hidden sibling of `dir` to write the new set into (same file system, so it can be renamed). */
export async function stagingFolder(dir: string): Promise<string> {
  await mkdir(dirname(dir), { recursive: true });
  return mkdtemp(join(dirname(dir), `.${basename(dir)}.partial-`));
}

async function removeListed(dir: string, files: readonly string[]): Promise<void> {
  for (const f of [...files, MANIFEST]) await rm(join(dir, f), { force: true });
  // Only folders the listed files emptied; rmdir refuses anything still holding a file.
  const folders = [...new Set(files.filter((f) => f.includes('/')).map((f) => dirname(f)))].sort((a, b) => b.length - a.length);
  for (const d of folders) await rmdir(join(dir, d)).catch(() => undefined);
}

async function fillInPlace(staged: string, dir: string): Promise<void> {
  // The manifest last: until it is there, the folder does not claim files that are not written yet.
  const files = (await listFiles(staged)).filter((f) => f !== MANIFEST);
  for (const f of [...files, MANIFEST]) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await rename(join(staged, f), join(dir, f));
  }
  await rm(staged, { recursive: true, force: true });
}

/** Puts the staged set at `dir`, replacing only what `state` says the generator wrote there before. */
export async function install(staged: string, dir: string, state: FolderState): Promise<void> {
  if (state.kind === 'absent') return rename(staged, dir);
  if (state.kind === 'empty') {
    // An empty folder can go; one that cannot be removed (busy, a mount point) is filled in place.
    const removed = await rmdir(dir).then(() => true, () => false);
    return removed ? rename(staged, dir) : fillInPlace(staged, dir);
  }
  if (state.kind !== 'ours') throw new Error(`install: ${dir} is not the generator's to replace`);
  const files = state.manifest.files;
  const old = `${staged}-old`;
  try {
    await rename(dir, old);
  } catch {
    await removeListed(dir, files);
    return fillInPlace(staged, dir);
  }
  try {
    await rename(staged, dir);
  } catch (err) {
    await rename(old, dir);
    throw err;
  }
  // Anything but the listed files (say, added while the new set was drawn) stays in the old folder.
  await removeListed(old, files);
  await rmdir(old).catch(() => undefined);
}
