// A diverged training is an error, not a result. Probabilities are clipped before the log, so
// NaN or infinite weights can still give a finite, constant loss: the weights themselves are checked.
import type * as tfl from '@tensorflow/tfjs-layers';
import { trainableVariables } from './step';

export class DivergenceError extends Error {
  constructor(epoch: number, what: string, learningRate: number) {
    super(
      `Training diverged in epoch ${epoch}: ${what} became NaN or infinite. ` +
        `Try a lower learning rate (now ${learningRate}, for example ${learningRate / 10}), or check the data for extreme values.`,
    );
    this.name = 'DivergenceError';
  }
}

export function checkLoss(value: number, epoch: number, learningRate: number): void {
  if (!Number.isFinite(value)) throw new DivergenceError(epoch, 'the training loss', learningRate);
}

/** Throws when any trainable weight of `model` is not finite. */
export function checkWeights(model: tfl.LayersModel, epoch: number, learningRate: number): void {
  for (const v of trainableVariables(model)) {
    const values = v.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new DivergenceError(epoch, `the weights of ${v.name}`, learningRate);
    }
  }
}
