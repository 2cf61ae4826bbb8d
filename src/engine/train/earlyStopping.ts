import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Early stopping on a monitored loss with the best epoch's weights kept aside, because tfjs'
 * earlyStopping({restoreBestWeights}) is not implemented. Same rule as Keras: stop once `patience`
 * epochs in a row brought no improvement.
 */
export class BestWeights {
  bestEpoch = 0;
  bestLoss = Infinity;
  private saved: tf.Tensor[] | null = null;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly patience: number,
  ) {}

  /** Records the epoch's loss; returns true when training should stop. */
  update(epoch: number, loss: number): boolean {
    if (Number.isFinite(loss) && loss < this.bestLoss) {
      this.bestLoss = loss;
      this.bestEpoch = epoch;
      this.dispose();
      this.saved = this.model.getWeights().map((w) => tf.clone(w));
      return false;
    }
    return epoch - this.bestEpoch >= this.patience;
  }

  /** Puts the best epoch's weights back into the model (no-op when no epoch completed). */
  restore(): void {
    if (this.saved) this.model.setWeights(this.saved);
  }

  dispose(): void {
    this.saved?.forEach((t) => t.dispose());
    this.saved = null;
  }
}
