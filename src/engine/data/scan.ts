// Finds the classes and image files of a dataset folder. Classes are folder names matched
// exactly (never by substring: "fractured" and "not fractured" are different classes); hidden
// files and folders are ignored; images may sit in nested folders inside a class folder.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SkippedFile, SplitName } from '../types';
import { DatasetError } from './errors';

export interface ScannedFile {
  path: string;
  /** Path relative to the dataset root, with '/' separators: the cache's file key. */
  rel: string;
  label: number;
  /** Set for presplit folders. */
  split?: SplitName;
}

export interface Scan {
  root: string;
  layout: 'presplit' | 'stratified';
  classes: string[];
  files: ScannedFile[];
  /** Presplit folders that lacked val/ or test/: those are carved from train/. */
  missingSplits: SplitName[];
  warnings: string[];
  /** Folders that could not be listed (permissions, I/O errors): skipped, not fatal. */
  skipped: SkippedFile[];
}

const SPLIT_NAMES: Record<string, SplitName> = { train: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test' };

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function isDir(path: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return stat(path).then((s) => s.isDirectory(), () => false);
}

function folderProblem(dir: string, err: unknown): SkippedFile {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOENT' ? 'folder no longer exists' : e.message;
  return { path: dir, reason: 'unreadable', detail: `folder cannot be read (${why}); its images are skipped` };
}

/** Subfolder names of dir; a folder that cannot be listed is recorded in `skipped` and counts as empty. */
async function subfolders(dir: string, skipped: SkippedFile[]): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    skipped.push(folderProblem(dir, err));
    return [];
  }
  const out: string[] = [];
  for (const e of entries) if (!e.name.startsWith('.') && (await isDir(join(dir, e.name), e))) out.push(e.name);
  return out.sort(byName);
}

/** Every non-hidden file under dir, sorted, following symlinks; a visited set stops link loops. */
async function filesUnder(dir: string, skipped: SkippedFile[], seen = new Set<string>()): Promise<string[]> {
  let entries: Dirent[];
  try {
    const real = await stat(dir).then((s) => `${s.dev}:${s.ino}`);
    if (seen.has(real)) return [];
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    skipped.push(folderProblem(dir, err));
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => byName(a.name, b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (await isDir(p, e)) out.push(...(await filesUnder(p, skipped, seen)));
    else out.push(p);
  }
  return out;
}

function relKey(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

export async function scanDataset(root: string): Promise<Scan> {
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new DatasetError(root, `Dataset folder not found: ${root}`);
  if (!info.isDirectory()) throw new DatasetError(root, `Dataset path is not a folder: ${root}`);
  const skipped: SkippedFile[] = [];
  const top = await subfolders(root, skipped);
  if (skipped.length) throw new DatasetError(root, `Dataset folder ${root} cannot be read: ${skipped[0].detail.replace(/; its images are skipped$/, '')}`);
  const warnings: string[] = [];
  const splitDirs = new Map<SplitName, string>();
  for (const name of top) {
    const split = SPLIT_NAMES[name.toLowerCase()];
    if (split && !splitDirs.has(split)) splitDirs.set(split, name);
  }
  const presplit = splitDirs.has('train') && (splitDirs.has('val') || splitDirs.has('test'));

  const groups: { dir: string; split?: SplitName }[] = [];
  const missingSplits: SplitName[] = [];
  if (presplit) {
    for (const split of ['train', 'val', 'test'] as SplitName[]) {
      const name = splitDirs.get(split);
      if (name) groups.push({ dir: join(root, name), split });
      else missingSplits.push(split);
    }
    const extra = top.filter((n) => !SPLIT_NAMES[n.toLowerCase()]);
    if (extra.length) warnings.push(`Folders beside train/val/test are ignored: ${extra.join(', ')}.`);
  } else {
    groups.push({ dir: root });
  }

  const classSet = new Set<string>();
  const raw: { path: string; cls: string; split?: SplitName }[] = [];
  for (const g of groups) {
    for (const cls of await subfolders(g.dir, skipped)) {
      const before = skipped.length;
      const files = await filesUnder(join(g.dir, cls), skipped);
      if (files.length === 0) {
        if (skipped.length > before) continue; // named in the skipped list already
        warnings.push(`Folder "${relKey(root, join(g.dir, cls))}" holds no files; it is not used as a class.`);
        continue;
      }
      classSet.add(cls);
      for (const path of files) raw.push({ path, cls, split: g.split });
    }
  }
  const classes = [...classSet].sort(byName);
  const label = new Map(classes.map((c, i) => [c, i]));
  const files = raw.map((f) => ({ path: f.path, rel: relKey(root, f.path), label: label.get(f.cls)!, split: f.split }));
  return { root, layout: presplit ? 'presplit' : 'stratified', classes, files, missingSplits, warnings, skipped };
}
