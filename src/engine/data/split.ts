// Assigns images to train/val/test. Byte-identical files form one unit that always lands in a
// single split, so no image is tested on after being trained on; so do the images of one patient
// (or study) when the items carry a group key. Seeded and independent of the order the file
// system lists files in.
import type { DuplicateGroup, SplitName } from '../types';
import { makeRng, mixSeed, shuffle } from './rng';

export interface SplitItem {
  path: string;
  rel: string;
  label: number;
  hash: string;
  /** Given by a presplit folder. */
  split?: SplitName;
  /** Items sharing a key (a salted patient or study hash) are kept in one split. */
  group?: string;
  /** Likewise, a key from the item's path (setting groupBy). */
  pathGroup?: string;
  /** Likewise, near-copies of one picture. */
  nearGroup?: string;
}

export interface SplitOptions {
  layout: 'presplit' | 'stratified';
  classes: string[];
  valFraction: number;
  testFraction: number;
  seed: number;
  /** Presplit folders without val/ or test/: carved from train/ with the fractions above. */
  missingSplits: SplitName[];
  /** Cross-validation: fold `index` of `count` stratified folds is the test split; val comes from the rest. */
  fold?: { index: number; count: number };
}

export interface SplitResult {
  /** Split of each item, or null when it was dropped as a leaked copy. */
  assignment: (SplitName | null)[];
  duplicates: DuplicateGroup[];
  leakage: DuplicateGroup[];
  warnings: string[];
}

const ORDER: SplitName[] = ['train', 'val', 'test'];

interface Unit {
  members: number[];
  label: number;
}

/** Per class: shuffle the units, fill test, then val, the rest is train (counts in images, not units). */
function stratify(items: SplitItem[], units: Unit[], opts: SplitOptions, fractions: { val: number; test: number }, out: (SplitName | null)[], warnings: string[]): void {
  for (let c = 0; c < opts.classes.length; c++) {
    const mine = units.filter((u) => u.label === c).sort((a, b) => (items[a.members[0]].rel < items[b.members[0]].rel ? -1 : 1));
    const n = mine.reduce((s, u) => s + u.members.length, 0);
    if (n === 0) continue;
    shuffle(mine, makeRng(mixSeed(opts.seed, 0x5b1, c)));
    let nTest = Math.round(n * fractions.test);
    let nVal = Math.round(n * fractions.val);
    if (n < 3) {
      nTest = nVal = 0;
      warnings.push(`Class "${opts.classes[c]}" has only ${n} image${n === 1 ? '' : 's'}: too few to split, so all go to training and the class is missing from validation and test.`);
    } else {
      if (fractions.test > 0) nTest = Math.max(1, nTest);
      if (fractions.val > 0) nVal = Math.max(1, nVal);
      while (nTest + nVal > n - 1) nVal > nTest ? nVal-- : nTest--;
    }
    let inTest = 0, inVal = 0;
    for (const u of mine) {
      const split: SplitName = inTest < nTest ? 'test' : inVal < nVal ? 'val' : 'train';
      if (split === 'test') inTest += u.members.length;
      else if (split === 'val') inVal += u.members.length;
      for (const m of u.members) out[m] = split;
    }
  }
}

/**
 * The fold of each unit for k-fold cross-validation. Per class, units are shuffled with the seed
 * alone (not the fold index), so every fold of one cross-validation sees the same partition; each
 * unit goes to the fold holding the fewest of that class's images so far.
 */
function foldOfUnits(items: SplitItem[], units: Unit[], classCount: number, count: number, seed: number): number[] {
  const of = units.map(() => -1);
  for (let c = 0; c < classCount; c++) {
    const mine = units.map((u, k) => ({ u, k })).filter(({ u }) => u.label === c).sort((a, b) => (items[a.u.members[0]].rel < items[b.u.members[0]].rel ? -1 : 1));
    shuffle(mine, makeRng(mixSeed(seed, 0xf01d, c)));
    const filled = new Array<number>(count).fill(0);
    // Rotating the starting fold by class keeps small classes from all landing in fold 0.
    for (const { u, k } of mine) {
      let best = c % count;
      for (let j = 0; j < count; j++) {
        const f = (c + j) % count;
        if (filled[f] < filled[best]) best = f;
      }
      of[k] = best;
      filled[best] += u.members.length;
    }
  }
  return of;
}

/** Joins units that share a group key (DICOM or path), so one patient's images never span two splits. */
export function joinGroups(items: SplitItem[], units: number[][]): number[][] {
  const parent = units.map((_, k) => k);
  const find = (k: number): number => (parent[k] === k ? k : (parent[k] = find(parent[k])));
  const owner = new Map<string, number>();
  units.forEach((members, k) => {
    for (const i of members) {
      const it = items[i];
      for (const g of [it.group && `dicom:${it.group}`, it.pathGroup && `path:${it.pathGroup}`, it.nearGroup && `near:${it.nearGroup}`]) {
        if (!g) continue;
        const o = owner.get(g);
        if (o === undefined) owner.set(g, k);
        else parent[find(k)] = find(o);
      }
    }
  });
  const joined = new Map<number, number[]>();
  units.forEach((members, k) => {
    const root = find(k);
    const into = joined.get(root);
    if (into) into.push(...members);
    else joined.set(root, [...members]);
  });
  return [...joined.values()];
}

/** A unit of several classes (one patient with a fracture and a normal view) is stratified under its commonest. */
function majorityLabel(items: SplitItem[], members: number[]): number {
  const counts = new Map<number, number>();
  let best = items[members[0]].label;
  for (const i of members) {
    const n = (counts.get(items[i].label) ?? 0) + 1;
    counts.set(items[i].label, n);
    if (n > (counts.get(best) ?? 0)) best = items[i].label;
  }
  return best;
}

export function assignSplits(items: SplitItem[], opts: SplitOptions): SplitResult {
  const warnings: string[] = [];
  const byHash = new Map<string, number[]>();
  items.forEach((it, i) => {
    const g = byHash.get(it.hash);
    if (g) g.push(i);
    else byHash.set(it.hash, [i]);
  });
  const groups = [...byHash.values()];
  const duplicates: DuplicateGroup[] = groups.filter((g) => g.length > 1).map((g) => ({ hash: items[g[0]].hash, paths: g.map((i) => items[i].path) }));
  const conflicts = groups.filter((g) => g.some((i) => items[i].label !== items[g[0]].label));
  if (conflicts.length) {
    const eg = conflicts[0].map((i) => items[i].rel).join(', ');
    warnings.push(`${conflicts.length} set${conflicts.length === 1 ? '' : 's'} of identical files carry different class labels (for example ${eg}); check these labels.`);
  }

  const assignment: (SplitName | null)[] = items.map((it) => it.split ?? null);
  const leakage: DuplicateGroup[] = [];
  if (opts.layout === 'presplit') {
    let dropped = 0;
    for (const g of groups) {
      const splits = new Set(g.map((i) => items[i].split!));
      if (splits.size < 2) continue;
      const keep = ORDER.find((s) => splits.has(s))!;
      for (const i of g) {
        if (items[i].split === keep) continue;
        assignment[i] = null;
        dropped++;
      }
      leakage.push({ hash: items[g[0]].hash, paths: g.map((i) => items[i].path) });
    }
    if (leakage.length) {
      warnings.push(`Leakage: ${leakage.length} image${leakage.length === 1 ? '' : 's'} appear${leakage.length === 1 ? 's' : ''} in more than one split; ${dropped} extra cop${dropped === 1 ? 'y was' : 'ies were'} dropped from val/test so test scores stay honest.`);
    }
    if (opts.missingSplits.length) {
      const fractions = { val: opts.missingSplits.includes('val') ? opts.valFraction : 0, test: opts.missingSplits.includes('test') ? opts.testFraction : 0 };
      const trainUnits = groups
        .map((g) => ({ members: g.filter((i) => assignment[i] === 'train'), label: items[g[0]].label }))
        .filter((u) => u.members.length > 0);
      stratify(items, trainUnits, opts, fractions, assignment, warnings);
      warnings.push(`The folder has no ${opts.missingSplits.join(' or ')} split; it was taken from train/ per class (seed ${opts.seed}).`);
    }
  } else {
    const units = joinGroups(items, groups).map((g) => ({ members: g, label: majorityLabel(items, g) }));
    if (opts.fold) {
      const fold = opts.fold;
      const of = foldOfUnits(items, units, opts.classes.length, fold.count, opts.seed);
      const rest = units.filter((_, u) => of[u] !== fold.index);
      units.forEach((u, k) => of[k] === fold.index && u.members.forEach((m) => (assignment[m] = 'test')));
      stratify(items, rest, opts, { val: opts.valFraction, test: 0 }, assignment, warnings);
    } else {
      stratify(items, units, opts, { val: opts.valFraction, test: opts.testFraction }, assignment, warnings);
    }
  }
  return { assignment, duplicates, leakage, warnings };
}
