import type { DatasetReport } from '../types';
import type { ImageSet } from './imageSet';

export interface LoadOptions {
  imageSize: number;
  valFraction: number;
  testFraction: number;
  seed: number;
  /** Folder for the decoded-pixel cache; default: <os cache>/fracture-cnn. */
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LoadedDataset {
  report: DatasetReport;
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
}

/** Scans, decodes (cached) and splits a dataset folder. Throws DatasetError when nothing usable is there. */
export async function loadDataset(root: string, options: LoadOptions): Promise<LoadedDataset> {
  void root;
  void options;
  throw new Error('loadDataset: not implemented yet');
}
