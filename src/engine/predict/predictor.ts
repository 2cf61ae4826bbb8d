import type { PredictOutcome } from '../types';

export interface PredictOptions {
  gradcam: boolean;
  /** Where overlay and heat-map PNGs are written. */
  outDir?: string;
  classIndex?: number;
}

/** A loaded model of one run, ready to classify images. */
export class Predictor {
  static async load(runFolder: string): Promise<Predictor> {
    void runFolder;
    throw new Error('Predictor.load: not implemented yet');
  }
  async predict(paths: string[], options: PredictOptions): Promise<PredictOutcome[]> {
    void paths;
    void options;
    throw new Error('Predictor.predict: not implemented yet');
  }
}
