import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { GroupBy } from '../config';
import type { DatasetReport, SplitName } from '../types';
import { PixelCache, defaultCacheDir } from './cache';
import { DatasetError } from './errors';
import type { ImageSet } from './imageSet';
import { FileImageSet, MemoryImageSet } from './imageSet';
import type { PixelStore } from './ingest';
import { ingest } from './ingest';
import { classTotals, countsBySplit, imbalance, missingFromSplits, skippedSummary } from './report';
import { scanDataset } from './scan';
import type { SplitItem } from './split';
import { assignSplits } from './split';
import { parsePathGroups, pathGroupKey } from './pathGroups';
import { differenceHash, nearPairs } from './nearDuplicates';

export { DatasetError } from './errors';

export interface LoadOptions {
  imageSize: number;
  valFraction: number;
  testFraction: number;
  seed: number;
  /** Keep DICOM images of one patient (default) or study in one split. */
  groupBy?: GroupBy;
  /** Keep images in one split by their paths: 'none', 'folder:N' or a regular expression (see pathGroups.ts). */
  pathGroups?: string;
  /** Folder for the decoded-pixel cache; default: <os cache>/fracture-cnn. */
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /**
   * Largest pixel volume kept in memory; bigger datasets are served from the on-disk cache
   * (default 256 MiB: 100,000 images of 96x96 would be 920 MB).
   */
  memoryLimitBytes?: number;
  /** Images decoded at once; default: twice the cores, measured best here (see bench/decode.ts). */
  concurrency?: number;
  /** Cross-validation: the test split is fold `index` (0-based) of `count`; only for folders without train/val/test. */
  fold?: { index: number; count: number };
  /** The sentence saying what training does about a class imbalance (see imbalanceRemedy). */
  imbalanceRemedy?: string;
}

export interface LoadedDataset {
  report: DatasetReport;
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
  /** Group key (hashed patient or study) of each grouped image, by its path. */
  groupOf: ReadonlyMap<string, string>;
}

export const DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024;

function openCache(options: LoadOptions, root: string, warnings: string[]): PixelCache {
  const preferred = options.cacheDir ?? defaultCacheDir();
  try {
    return PixelCache.open(preferred, root, options.imageSize);
  } catch (err) {
    // A read-only home must not stop training: fall back to a temporary cache.
    const fallback = join(tmpdir(), `fracture-cnn-cache-${process.getuid?.() ?? 'user'}`);
    warnings.push(`Cache folder ${preferred} is not writable (${(err as Error).message}); using ${fallback}.`);
    return PixelCache.open(fallback, root, options.imageSize);
  }
}

function makeSet(store: PixelStore, imageSize: number, members: number[], labels: number[], paths: string[]): ImageSet {
  const setLabels = Int32Array.from(members, (i) => labels[i]);
  const setPaths = members.map((i) => paths[i]);
  if (store.kind === 'memory') return new MemoryImageSet(imageSize, setLabels, setPaths, store.pixels, Int32Array.from(members));
  return new FileImageSet(
    imageSize,
    setLabels,
    setPaths,
    store.segments,
    Uint16Array.from(members, (i) => store.segmentOf[i]),
    Float64Array.from(members, (i) => store.offsets[i]),
  );
}

/** Scans, decodes (cached) and splits a dataset folder. Throws DatasetError when nothing usable is there. */
export async function loadDataset(root: string, options: LoadOptions): Promise<LoadedDataset> {
  root = resolve(root);
  const scan = await scanDataset(root);
  const warnings = [...scan.warnings];
  const unread = scan.skipped.length ? ` Folders that could not be read: ${scan.skipped.map((s) => `${s.path} (${s.detail})`).join('; ')}.` : '';
  if (scan.files.length === 0) {
    throw new DatasetError(root, `Dataset folder ${root} has no class subfolders with images. Put each class's images in its own subfolder, for example ${join(root, 'fractured')} and ${join(root, 'normal')}.${unread}`);
  }
  const oneClass = (name: string): DatasetError =>
    new DatasetError(root, `Dataset folder ${root} has only one class with usable images ("${name}"); training needs at least two class subfolders, for example "fractured" and "normal".${unread}`);
  // Fail before decoding anything when the folder cannot be a dataset whatever its files hold.
  if (scan.classes.length < 2) throw oneClass(scan.classes[0]);
  if (options.fold && scan.layout === 'presplit') {
    throw new RangeError(`Invalid training setting: folds: ${root} already has train/val/test folders, so its test split is fixed; cross-validation needs a folder of class subfolders only (or set folds to 0)`);
  }
  const started = performance.now();
  const cache = openCache(options, root, warnings);
  const bytes = scan.files.length * options.imageSize * options.imageSize;
  const got = await ingest(scan.files, cache, {
    imageSize: options.imageSize,
    inMemory: bytes <= (options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT),
    concurrency: options.concurrency ?? 2 * availableParallelism(),
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const decodeSeconds = (performance.now() - started) / 1000;
  got.skipped.unshift(...scan.skipped);

  // Classes whose every file was unusable are dropped, and the others relabelled in order.
  const usable = scan.classes.map(() => 0);
  scan.files.forEach((f, i) => got.ok[i] && usable[f.label]++);
  const classes = scan.classes.filter((_, c) => usable[c] > 0);
  const relabel = scan.classes.map((name) => classes.indexOf(name));
  for (const [c, name] of scan.classes.entries()) if (usable[c] === 0) warnings.push(`Folder "${name}" has no usable images; it is not used as a class.`);
  if (classes.length === 0) {
    throw new DatasetError(root, `Dataset folder ${root} has no usable images: all ${scan.files.length} files were skipped (first: ${got.skipped[0]?.path}: ${got.skipped[0]?.reason}).`);
  }
  if (classes.length < 2) throw oneClass(classes[0]);

  const rows: number[] = [];
  const items: SplitItem[] = [];
  const groupBy = options.groupBy ?? 'patient';
  const parsed = parsePathGroups(options.pathGroups ?? 'none');
  if (!parsed.spec) throw new RangeError(`Invalid training setting: pathGroups: ${parsed.problem}`);
  const pathSpec = parsed.spec;
  const keyAt = groupBy === 'patient' ? 0 : 1;
  scan.files.forEach((f, i) => {
    if (!got.ok[i]) return;
    rows.push(i);
    const group = groupBy === 'none' ? undefined : got.groups[i]?.[keyAt] || undefined;
    const pathGroup = pathSpec.kind === 'none' ? undefined : pathGroupKey(f.rel, f.split ? 1 : 0, pathSpec);
    items.push({ path: f.path, rel: f.rel, label: relabel[f.label], hash: got.hashes[i], split: f.split, ...(group ? { group } : {}), ...(pathGroup ? { pathGroup } : {}) });
  });
  const grouped = items.filter((it) => it.group);
  const groups = groupBy !== 'none' && grouped.length ? { by: groupBy, count: new Set(grouped.map((it) => it.group)).size, images: grouped.length } : undefined;
  if (groups && scan.layout === 'stratified') {
    const whose = groups.by === 'patient' ? (groups.count === 1 ? 'patient' : 'patients') : groups.count === 1 ? 'study' : 'studies';
    warnings.push(`${groups.images} DICOM image${groups.images === 1 ? '' : 's'} of ${groups.count} ${whose}: each ${groups.by}'s images are kept in one split (setting dicomGroupBy).`);
  }
  const near = await findNearDuplicates(got.store, options.imageSize, rows, items);
  const split = assignSplits(items, {
    layout: scan.layout,
    classes,
    valFraction: options.valFraction,
    testFraction: options.testFraction,
    seed: options.seed,
    missingSplits: scan.missingSplits,
    ...(options.fold ? { fold: options.fold } : {}),
  });
  warnings.push(...split.warnings);
  if (scan.layout === 'stratified' && split.duplicates.length) {
    const n = split.duplicates.reduce((sum, g) => sum + g.paths.length, 0);
    warnings.push(`${split.duplicates.length} set${split.duplicates.length === 1 ? '' : 's'} of identical files (${n} files) found; each set is kept within one split.`);
  }

  const pathGroups = pathSpec.kind === 'none' ? undefined : pathGroupReport(options.pathGroups!, items, split.assignment);
  if (pathGroups) {
    warnings.push(
      scan.layout === 'stratified'
        ? `${pathGroups.images} images in ${pathGroups.count} groups by path (${options.pathGroups}): each group is kept in one split.`
        : pathGroups.straddling.length
          ? `${pathGroups.straddling.length} group${pathGroups.straddling.length === 1 ? '' : 's'} by path (${options.pathGroups}) straddle the given train/val/test folders (for example ${pathGroups.straddling[0].key} in ${pathGroups.straddling[0].splits.join(' and ')}): their test figures are optimistic.`
          : `${pathGroups.count} groups by path (${options.pathGroups}), none straddling the given train/val/test folders.`,
    );
  }
  const nearDuplicates = near.length ? nearReport(near, items, split.assignment) : undefined;
  if (nearDuplicates) {
    const across = nearDuplicates.pairs.filter((p) => p.splits && p.splits[0] !== p.splits[1]).length;
    warnings.push(
      scan.layout === 'stratified'
        ? `${near.length} pair${near.length === 1 ? '' : 's'} of near-identical images (re-encoded, resized or lightly edited copies) found; each set is kept within one split.`
        : `${near.length} pair${near.length === 1 ? '' : 's'} of near-identical images found${across ? `, ${across} of them across the given train/val/test folders: their test figures are optimistic` : ''}.`,
    );
  }
  const labels = items.map((it) => it.label);
  const counts = countsBySplit(labels, split.assignment, classes.length);
  warnings.push(...missingFromSplits(classes, counts));
  const skippedNote = skippedSummary(got.skipped);
  if (skippedNote) warnings.push(skippedNote);
  const balance = imbalance(classes, classTotals(counts), options.imbalanceRemedy);
  if (balance.warning) warnings.push(balance.warning);

  // Image sets index the store by scanned-file row, so look rows up through `rows`.
  const allLabels = new Array<number>(scan.files.length);
  const allPaths = scan.files.map((f) => f.path);
  items.forEach((it, k) => (allLabels[rows[k]] = it.label));
  const members = (s: SplitName): number[] => rows.filter((_, k) => split.assignment[k] === s);
  const sets = Object.fromEntries(
    (['train', 'val', 'test'] as SplitName[]).map((s) => [s, makeSet(got.store, options.imageSize, members(s), allLabels, allPaths)]),
  ) as Record<SplitName, ImageSet>;

  const report: DatasetReport = {
    root,
    classes,
    layout: scan.layout,
    counts,
    skipped: got.skipped,
    duplicates: split.duplicates,
    leakage: split.leakage,
    imbalanceRatio: balance.ratio,
    warnings,
    imageSize: options.imageSize,
    decodeSeconds,
    cachedImages: got.cachedImages,
    ...(groups ? { groups } : {}),
    ...(pathGroups ? { pathGroups } : {}),
    ...(nearDuplicates ? { nearDuplicates } : {}),
  };
  const groupOf = new Map(items.filter((it) => it.pathGroup ?? it.group).map((it) => [it.path, (it.pathGroup ?? it.group)!]));
  return { report, ...sets, groupOf };
}

/** Groups of two or more images by path, and (given splits) those whose images sit in more than one split. */
function pathGroupReport(spec: string, items: SplitItem[], assignment: (SplitName | null)[]): NonNullable<DatasetReport['pathGroups']> {
  const byKey = new Map<string, number[]>();
  items.forEach((it, i) => {
    if (!it.pathGroup) return;
    const g = byKey.get(it.pathGroup);
    if (g) g.push(i);
    else byKey.set(it.pathGroup, [i]);
  });
  const multi = [...byKey.entries()].filter(([, g]) => g.length > 1);
  const straddling = multi
    .map(([key, g]) => ({ key, splits: (['train', 'val', 'test'] as SplitName[]).filter((s) => g.some((i) => assignment[i] === s)) }))
    .filter((g) => g.splits.length > 1)
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { spec, count: multi.length, images: multi.reduce((a, [, g]) => a + g.length, 0), straddling };
}

/** Pairs [a, b, distance] of items that are near-copies but not byte-identical; marks each set's items with a shared nearGroup. */
async function findNearDuplicates(store: PixelStore, imageSize: number, rows: number[], items: SplitItem[]): Promise<[number, number, number][]> {
  // Labels and paths are not needed to read pixels.
  const all = makeSet(store, imageSize, rows, [], []);
  const hashes: [number, number][] = [];
  const area = imageSize * imageSize;
  for (let start = 0; start < all.size; start += 256) {
    const indices = Array.from({ length: Math.min(256, all.size - start) }, (_, i) => start + i);
    const px = all.read(indices);
    for (let k = 0; k < indices.length; k++) hashes.push(differenceHash(px, k * area, imageSize));
    // Let other work (progress, cancellation) run between batches of a large set.
    await new Promise((r) => setImmediate(r));
  }
  const pairs = nearPairs(hashes).filter(([a, b]) => items[a].hash !== items[b].hash);
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const [a, b] of pairs) parent[find(a)] = find(b);
  for (const [a, b] of pairs) for (const i of [a, b]) items[i].nearGroup = String(find(i));
  return pairs;
}

const NEAR_PAIRS_LISTED = 200;

function nearReport(pairs: [number, number, number][], items: SplitItem[], assignment: (SplitName | null)[]): NonNullable<DatasetReport['nearDuplicates']> {
  return {
    total: pairs.length,
    pairs: pairs.slice(0, NEAR_PAIRS_LISTED).map(([a, b, distance]) => {
      const sa = assignment[a];
      const sb = assignment[b];
      return { paths: [items[a].path, items[b].path], distance, ...(sa && sb ? { splits: [sa, sb] as [SplitName, SplitName] } : {}) };
    }),
  };
}
