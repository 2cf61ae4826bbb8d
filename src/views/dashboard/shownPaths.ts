// What the dashboard page may ask the host to open, classify or load: only files the host itself
// put in front of it for the run it shows. A compromised page (or a hostile run.json) must not
// reach beyond that run. No 'vscode' here, so it is unit tested.
import { dirname, extname, parse } from 'node:path';
import type { RunRecord } from '../../engine/types';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp', '.gif']);

const isImagePath = (p: string): boolean => IMAGE_EXTENSIONS.has(extname(p).toLowerCase());

/** Images the page shows as thumbnails and may send to Classify: the run's misclassified test images. */
export function classifiablePaths(run: RunRecord | undefined): Set<string> {
  return new Set((run?.metrics?.misclassified ?? []).map((m) => m.path).filter((p) => typeof p === 'string' && isImagePath(p)));
}

/** Files the page lists and may open in an editor: the images above, and the files its dataset report names. */
export function openablePaths(run: RunRecord | undefined): Set<string> {
  const out = classifiablePaths(run);
  const d = run?.dataset;
  for (const s of d?.skipped ?? []) out.add(s.path);
  for (const g of [...(d?.duplicates ?? []), ...(d?.leakage ?? [])]) for (const p of g.paths) out.add(p);
  return out;
}

/**
 * Folders the page may load thumbnails from: those holding the run's misclassified images,
 * rather than the whole dataset folder a run.json names (which could be any folder, or '/').
 * A filesystem root is never one of them.
 */
export function thumbnailFolders(run: RunRecord | undefined): string[] {
  const folders = new Set<string>();
  for (const p of classifiablePaths(run)) {
    const dir = dirname(p);
    if (dir !== parse(dir).root) folders.add(dir);
  }
  return [...folders];
}
