// "Use this threshold" from the dashboard: checks what the page sent, then stores the threshold
// with the run's model and recomputes the run's figures (engine/runs/useThreshold.ts).
import { useThreshold } from '../../engine/runs/useThreshold';
import { errorText } from '../../shared/errorText';

export type StoreThresholdResult = { message: string } | { error: string };

export async function storeThreshold(params: unknown, folderOf: (runId: string) => string | undefined): Promise<StoreThresholdResult> {
  const p = params as { runId?: unknown; value?: unknown } | null;
  if (typeof p !== 'object' || p === null || typeof p.runId !== 'string' || typeof p.value !== 'number') return { error: 'the request names no run and threshold.' };
  const folder = folderOf(p.runId);
  if (!folder) return { error: `run ${p.runId} is not known.` };
  try {
    const run = await useThreshold(folder, p.value);
    const m = run.metrics!;
    const t = m.threshold!;
    const pct = (v?: number) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(1)}%`);
    return {
      message: `Stored threshold ${t.value.toFixed(3)} with the model: predict and Classify X-ray now call an image "${m.classes[t.positiveClass]}" at P ≥ ${t.value.toFixed(3)}. Test sensitivity ${pct(m.sensitivity)}, specificity ${pct(m.specificity)}.`,
    };
  } catch (e) {
    return { error: errorText(e) };
  }
}
