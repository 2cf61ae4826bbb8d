export interface FaultContext {
  /** Working folder of the CLI. */
  dir: string;
  data: string;
  runsFolder: string;
  cacheDir: string;
  /** The earlier, good run whose files must never change. */
  baseline: { folder: string; hashes: Record<string, string> };
  /** An image of the dataset, for the prediction checks. */
  image: string;
  rng: () => number;
  /** Wall time of one uninterrupted CLI training, measured at the start. */
  trainMs: number;
}
