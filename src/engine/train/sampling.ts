// The order of an epoch's samples. 'balanced' draws each position's class uniformly, then an image
// of that class without replacement until the class is used up (then from a fresh shuffle), so
// every batch shows the rare class as often as the common one without weighting the loss.
import type { Sampling } from '../config';
import { makeRng as rng, mixKey, permutation, Stream } from '../data/rng';

export function epochOrder(sampling: Sampling, labels: Int32Array, numClasses: number, seed: number, epoch: number): Int32Array {
  const key = mixKey(seed, Stream.shuffle, epoch);
  if (sampling === 'shuffle') return permutation(labels.length, key);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((c, i) => byClass[c].push(i));
  const present = byClass.map((members, c) => (members.length > 0 ? c : -1)).filter((c) => c >= 0);
  const pools = byClass.map((members, c) => ({ members, order: permutation(members.length, mixKey(key, c, 0)), next: 0, round: 0 }));
  const r = rng(mixKey(key, 0x5a));
  const out = new Int32Array(labels.length);
  for (let i = 0; i < out.length; i++) {
    const c = present[Math.floor(r() * present.length)];
    const pool = pools[c];
    if (pool.next === pool.members.length) {
      pool.round++;
      pool.order = permutation(pool.members.length, mixKey(key, c, pool.round));
      pool.next = 0;
    }
    out[i] = pool.members[pool.order[pool.next++]];
  }
  return out;
}
