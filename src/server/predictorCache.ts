// Keeps the model of the last run used for prediction loaded, so repeated classifications
// of the same run skip the model load.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Predictor } from '../engine/predict/predictor';
import { loadPredictor } from './engine';

interface Entry {
  folder: string;
  /** model.json's modification time: a threshold stored later (dashboard) rewrites it. */
  stamp: number;
  predictor: Promise<Predictor>;
}

export class PredictorCache {
  private entry: Entry | undefined;

  /** The run's predictor and the milliseconds spent loading it now (0 when it was cached). */
  async get(runFolder: string): Promise<{ predictor: Predictor; loadMs: number }> {
    const folder = resolve(runFolder);
    // A deleted (or replaced) run folder must not keep answering from memory.
    await stat(folder);
    const stamp = await stat(join(folder, 'model', 'model.json')).then((s) => s.mtimeMs, () => 0);
    if (this.entry?.folder === folder && this.entry.stamp === stamp) {
      try {
        return { predictor: await this.entry.predictor, loadMs: 0 };
      } catch {
        this.entry = undefined;
      }
    }
    this.drop();
    const started = performance.now();
    // The backend a training in this process set up, or the default one when none did: never
    // switch a running training's backend under it.
    const entry: Entry = { folder, stamp, predictor: loadPredictor().then(({ Predictor }) => Predictor.load(folder, { backend: 'current' })) };
    this.entry = entry;
    try {
      const predictor = await entry.predictor;
      return { predictor, loadMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (this.entry === entry) this.entry = undefined;
      throw error;
    }
  }

  drop(): void {
    const old = this.entry;
    this.entry = undefined;
    void old?.predictor.then(
      (p) => (p as Partial<{ dispose(): void }>).dispose?.(),
      () => undefined,
    );
  }
}
