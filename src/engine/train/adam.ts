// Adam over one flat array of all trainable weights, in a single JavaScript loop. tf.train.adam
// runs about 60 small ops per step (several per variable), which cost more than the arithmetic;
// and the flat weights can live in shared memory, where worker threads read them directly.
import * as tf from '@tensorflow/tfjs-core';

export class FlatAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    /** The model's trainable variables, in a fixed order. */
    readonly vars: tf.Variable[],
    /** Their values, concatenated in the same order (may be a SharedArrayBuffer view). */
    readonly weights: Float32Array,
    /** Changed between steps by the learning-rate schedule. */
    public lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7, // tf.js' default for Adam
  ) {
    this.m = new Float32Array(weights.length);
    this.v = new Float32Array(weights.length);
    let offset = 0;
    for (const v of vars) {
      weights.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
  }

  static total(vars: tf.Variable[]): number {
    return vars.reduce((n, v) => n + v.size, 0);
  }

  /** Gradients as one flat array, in the order of `vars`. */
  flatten(grads: tf.NamedTensorMap, out = new Float32Array(this.weights.length)): Float32Array {
    let offset = 0;
    for (const v of this.vars) {
      out.set(grads[v.name].dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return out;
  }

  /** One update with the same arithmetic as tf.train.adam, then the variables take the new values. */
  apply(grad: Float32Array): void {
    this.t++;
    const { m, v, weights: w, beta1: b1, beta2: b2 } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const lr = this.lr;
    const eps = this.epsilon;
    for (let i = 0; i < w.length; i++) {
      const g = grad[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
      w[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
    this.load();
  }

  /** Copies the flat weights into the variables. */
  load(): void {
    let offset = 0;
    for (const v of this.vars) {
      // A copy: the cpu backend would otherwise keep a view of the array this optimizer keeps updating.
      const t = tf.tensor(this.weights.slice(offset, offset + v.size), v.shape);
      v.assign(t); // the variable takes its own reference to t's data
      t.dispose();
      offset += v.size;
    }
  }
}
