import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Early stopping on a monitored score (higher is better; pass minus the loss to watch a loss) with
 * the best epoch's weights kept aside, because tfjs' earlyStopping({restoreBestWeights}) is not
 * implemented. Same rule as Keras: stop once `patience` epochs in a row brought no improvement. A
 * tie on the score (an AUC of 1.0 reached again) counts as an improvement when the tie-breaker
 * (minus the validation loss) improves.
 */
export class BestWeights {
  bestEpoch = 0;
  bestScore = -Infinity;
  private bestTie = -Infinity;
  /** Per layer: a model's flat weight order changes when layers are frozen or unfrozen, a layer's does not. */
  private saved: tf.Tensor[][] | null = null;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly patience: number,
  ) {}

  /** Records the epoch's score; returns true when training should stop. */
  update(epoch: number, score: number, tieBreak = -Infinity): boolean {
    const better = score > this.bestScore || (score === this.bestScore && Number.isFinite(tieBreak) && tieBreak > this.bestTie);
    if (Number.isFinite(score) && better) {
      this.bestScore = score;
      this.bestTie = tieBreak;
      this.bestEpoch = epoch;
      this.dispose();
      this.saved = this.model.layers.map((l) => l.getWeights().map((w) => tf.clone(w)));
      return false;
    }
    return epoch - this.bestEpoch >= this.patience;
  }

  /** Puts the best epoch's weights back into the model (no-op when no epoch completed). */
  restore(): void {
    if (this.saved) this.model.layers.forEach((l, i) => this.saved![i].length && l.setWeights(this.saved![i]));
  }

  dispose(): void {
    this.saved?.forEach((ts) => ts.forEach((t) => t.dispose()));
    this.saved = null;
  }
}
