// Finds folders that look like datasets: at least two class subfolders holding images, or a
// train/ folder of class subfolders beside val/ or test/. Free of 'vscode' so it is tested on real folders.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp', '.gif', '.dcm', '.dicom']);
const SKIPPED = new Set(['node_modules', '.git', '.fracture-cnn', '.vscode', '.vscode-test', 'dist', 'out']);
const SPLIT_NAMES = { train: ['train', 'training'], other: ['val', 'valid', 'validation', 'test', 'testing'] };

export interface DatasetCandidate {
  folder: string;
  layout: 'presplit' | 'classes';
  /** Class folder names (of train/ for a presplit folder), sorted. */
  classes: string[];
  /** Images found in the class folders (of train/ for a presplit folder), counted up to a limit. */
  images: number;
}

export interface DiscoveryOptions {
  /** How many folder levels below each root to look. */
  maxDepth?: number;
  /** Stop after visiting this many folders (a guard for huge workspaces). */
  maxFolders?: number;
}

function isImage(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}

async function entries(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Images directly in `folder` or one level further down (class/patient/image.png), counted up to `limit`. */
async function countImages(folder: string, limit = 10_000): Promise<number> {
  let count = 0;
  for (const entry of await entries(folder)) {
    if (count >= limit) break;
    if (entry.isFile() && isImage(entry.name)) count++;
    else if (entry.isDirectory() && !entry.name.startsWith('.')) {
      for (const inner of await entries(join(folder, entry.name))) if (inner.isFile() && isImage(inner.name)) count++;
    }
  }
  return count;
}

async function classFolders(folder: string, list?: Dirent[]): Promise<{ classes: string[]; images: number } | undefined> {
  const dirs = (list ?? (await entries(folder))).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const classes: string[] = [];
  let images = 0;
  for (const dir of dirs) {
    const n = await countImages(join(folder, dir.name));
    if (n > 0) {
      classes.push(dir.name);
      images += n;
    }
  }
  return classes.length >= 2 ? { classes: classes.sort(), images } : undefined;
}

/** What `folder` holds as a dataset, or undefined when it does not look like one. */
export async function inspectDatasetFolder(folder: string, list?: Dirent[]): Promise<DatasetCandidate | undefined> {
  const children = list ?? (await entries(folder));
  const dirNames = new Map(children.filter((e) => e.isDirectory()).map((e) => [e.name.toLowerCase(), e.name]));
  const train = SPLIT_NAMES.train.map((n) => dirNames.get(n)).find((n) => n !== undefined);
  const other = SPLIT_NAMES.other.some((n) => dirNames.has(n));
  if (train && other) {
    const found = await classFolders(join(folder, train));
    if (found) return { folder, layout: 'presplit', ...found };
  }
  const found = await classFolders(folder, children);
  return found ? { folder, layout: 'classes', ...found } : undefined;
}

/** Dataset-looking folders under `roots` (roots included), breadth first, not looking inside a dataset found. */
export async function findDatasetFolders(roots: string[], options: DiscoveryOptions = {}): Promise<DatasetCandidate[]> {
  const maxDepth = options.maxDepth ?? 3;
  let budget = options.maxFolders ?? 2000;
  const found: DatasetCandidate[] = [];
  let level = roots.map((folder) => ({ folder, depth: 0 }));
  while (level.length > 0 && budget > 0) {
    const next: typeof level = [];
    for (const { folder, depth } of level) {
      if (budget-- <= 0) break;
      const list = await entries(folder);
      const candidate = await inspectDatasetFolder(folder, list);
      if (candidate) {
        found.push(candidate);
        continue;
      }
      if (depth >= maxDepth) continue;
      for (const e of list) {
        if (e.isDirectory() && !SKIPPED.has(e.name) && !e.name.startsWith('.')) next.push({ folder: join(folder, e.name), depth: depth + 1 });
      }
    }
    level = next;
  }
  return found;
}
