// The sentences of the dataset report a user reads before training starts.
import type { SkippedFile, SplitName } from '../types';

export const IMBALANCE_WARNING_RATIO = 2;

export function countsBySplit(labels: number[], splits: (SplitName | null)[], numClasses: number): Record<SplitName, number[]> {
  const counts: Record<SplitName, number[]> = { train: new Array(numClasses).fill(0), val: new Array(numClasses).fill(0), test: new Array(numClasses).fill(0) };
  labels.forEach((label, i) => {
    const s = splits[i];
    if (s) counts[s][label]++;
  });
  return counts;
}

export function classTotals(counts: Record<SplitName, number[]>): number[] {
  return counts.train.map((n, c) => n + counts.val[c] + counts.test[c]);
}

/** What training does about an imbalance, in the words of the settings that decide it. */
export function imbalanceRemedy(sampling: 'shuffle' | 'balanced', classWeighting: 'auto' | 'balanced' | 'none'): string {
  if (sampling === 'balanced') return 'Every training batch draws its classes equally (setting sampling: balanced), so the rarer class is not ignored.';
  if (classWeighting === 'none') return 'Neither class weighting nor balanced batches are on (settings classWeighting, sampling): the model may learn to ignore the rarer class.';
  return `Class weighting (balanced) will be used${classWeighting === 'auto' ? ' by default (setting classWeighting: auto)' : ''}, so the rarer class is not ignored.`;
}

export function imbalance(classes: string[], totals: number[], remedy = imbalanceRemedy('shuffle', 'auto')): { ratio: number; warning?: string } {
  let hi = 0, lo = 0;
  totals.forEach((n, c) => {
    if (n > totals[hi]) hi = c;
    if (n < totals[lo]) lo = c;
  });
  if (totals[lo] === 0) return { ratio: 0 };
  const ratio = totals[hi] / totals[lo];
  if (ratio <= IMBALANCE_WARNING_RATIO) return { ratio };
  return {
    ratio,
    warning:
      `Class imbalance: "${classes[hi]}" has ${totals[hi]} images, ${ratio.toFixed(1)}x as many as "${classes[lo]}" (${totals[lo]}). ${remedy}`,
  };
}

export function skippedSummary(skipped: SkippedFile[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const by = new Map<string, number>();
  for (const s of skipped) by.set(s.reason, (by.get(s.reason) ?? 0) + 1);
  const parts = [...by].map(([reason, n]) => `${n} ${reason}`);
  return `${skipped.length} file${skipped.length === 1 ? ' was' : 's were'} skipped (${parts.join(', ')}); the rest load normally. First: ${skipped[0].path} (${skipped[0].reason}: ${skipped[0].detail}).`;
}

export function missingFromSplits(classes: string[], counts: Record<SplitName, number[]>): string[] {
  const out: string[] = [];
  classes.forEach((name, c) => {
    const empty = (['val', 'test'] as SplitName[]).filter((s) => counts[s][c] === 0);
    if (empty.length && counts.train[c] + counts.val[c] + counts.test[c] >= 3) {
      out.push(`Class "${name}" has no images in ${empty.join(' or ')}: its ${empty.map((s) => (s === 'val' ? 'validation' : 'test')).join(' and ')} scores will be missing.`);
    }
  });
  return out;
}
