// Workspaces opened in code-server: the generated sample dataset plus .vscode/settings.json
// pointing the extension at it, with training settings small enough for a quick run.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { generateSampleDataset, type SampleOptions } from '../../src/engine/data/sample';

export interface WorkspaceOptions {
  /** Passed to the sample generator. */
  sample?: SampleOptions;
  /** Folder name of the dataset inside the workspace. */
  datasetName?: string;
  /** Extra workspace settings (fractureCnn.* and others). */
  settings?: Record<string, unknown>;
  /** Leave fractureCnn.datasetFolder unset, so training asks for the folder. */
  noDatasetSetting?: boolean;
}

export interface SampleWorkspace {
  folder: string;
  datasetFolder: string;
  classes: string[];
}

/** Settings that make a training run on the small sample take seconds. */
export const QUICK_TRAINING = {
  'fractureCnn.epochs': 3,
  'fractureCnn.imageSize': 48,
  'fractureCnn.batchSize': 16,
  'fractureCnn.patience': 3,
  'fractureCnn.backend': 'wasm',
};

export function writeWorkspaceSettings(folder: string, settings: Record<string, unknown>): void {
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

export async function createSampleWorkspace(folder: string, options: WorkspaceOptions = {}): Promise<SampleWorkspace> {
  const datasetName = options.datasetName ?? 'sample-data';
  const datasetFolder = join(folder, datasetName);
  mkdirSync(folder, { recursive: true });
  await generateSampleDataset(datasetFolder, { fractured: 24, normal: 36, size: 96, seed: 7, ...options.sample });
  const classes = readdirSync(datasetFolder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const settings: Record<string, unknown> = { ...QUICK_TRAINING, ...options.settings };
  if (!options.noDatasetSetting) settings['fractureCnn.datasetFolder'] = datasetName;
  writeWorkspaceSettings(folder, settings);
  return { folder, datasetFolder, classes };
}

/** Image files of one class folder, sorted. */
export function classImages(datasetFolder: string, className: string): string[] {
  return readdirSync(join(datasetFolder, className))
    .filter((n) => ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp', '.gif'].includes(extname(n).toLowerCase()))
    .sort();
}

/** Adds files a real folder of X-rays picks up: a truncated PNG, a text file, an empty "image". */
export function addBadFiles(datasetFolder: string, className: string): string[] {
  const dir = join(datasetFolder, className);
  const good = classImages(datasetFolder, className)[0];
  const written: string[] = [];
  const truncated = join(dir, `truncated-scan${extname(good)}`);
  // Keep the PNG signature and header but cut the image data short.
  writeFileSync(truncated, readFileSync(join(dir, good)).subarray(0, 120));
  written.push(truncated);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'Radiologist notes: patient 17, left radius, follow-up in 6 weeks.\n');
  written.push(notes);
  const empty = join(dir, 'empty.jpg');
  writeFileSync(empty, '');
  written.push(empty);
  const fake = join(dir, 'not-really.png');
  writeFileSync(fake, 'this is not a PNG file at all');
  written.push(fake);
  return written;
}

