export interface SampleOptions {
  fractured?: number;
  normal?: number;
  /** Side of each generated radiograph, in pixels. */
  size?: number;
  seed?: number;
}

export interface SampleResult {
  root: string;
  fractured: number;
  normal: number;
  /** JSON file with each fractured image's bounding box. */
  boxesFile: string;
}

/** Writes the built-in sample dataset: deterministic synthetic long-bone radiographs. */
export async function generateSampleDataset(outDir: string, options: SampleOptions = {}): Promise<SampleResult> {
  void outDir;
  void options;
  throw new Error('generateSampleDataset: not implemented yet');
}
