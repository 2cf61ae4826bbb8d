// Learning rate per optimizer step. 'cosine': a linear warm-up over the first epoch (from a tenth
// of the rate), then cosine decay to 2% of it at the last planned step, which lets a
// batch-normalised model settle instead of bouncing around a minimum at a constant rate.
import type { LrSchedule } from '../config';

export function learningRateAt(schedule: LrSchedule, base: number, step: number, stepsPerEpoch: number, totalSteps: number): number {
  if (schedule === 'constant') return base;
  const warm = Math.min(stepsPerEpoch, Math.floor(totalSteps / 4));
  if (step < warm) return base * (0.1 + (0.9 * step) / warm);
  const t = Math.min(1, (step - warm) / Math.max(1, totalSteps - warm));
  const floor = 0.02 * base;
  return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * t));
}
