// Words and percentages for the work-done progress VS Code shows while training.
import type { BatchProgress } from '../engine/types';

/** Share of the whole training done, 0-100, from the position inside the current epoch. */
export function overallPercent(p: BatchProgress): number {
  const epochs = Math.max(1, p.epochs);
  const within = p.batches > 0 ? p.batch / p.batches : 0;
  return Math.max(0, Math.min(100, Math.round((100 * (p.epoch - 1 + within)) / epochs)));
}

/** "Epoch 3/20 — val acc 87.5%", with the batch while one is under way. */
export function epochMessage(epoch: number, epochs: number, valAcc?: number, batch?: BatchProgress): string {
  const parts = [`Epoch ${epoch}/${epochs}`];
  if (batch) parts.push(`batch ${batch.batch}/${batch.batches}`);
  if (valAcc !== undefined && Number.isFinite(valAcc)) parts.push(`val acc ${(valAcc * 100).toFixed(1)}%`);
  return parts.join(' — ');
}

/** "Fold 2/5 · Epoch 3/20 — val acc 87.5%": which fold of a cross-validation the message is about. */
export function foldMessage(index: number, count: number, message: string): string {
  return `Fold ${index + 1}/${count} · ${message}`;
}
