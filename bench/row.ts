/** One figure printed by `npm run bench` and written to .bench/latest.json. */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineName?: string;
  /** value / baseline. */
  ratio?: number;
  note?: string;
}
