// `fracture-cnn predict`: probabilities per image, optional Grad-CAM pictures; exit 4 when any image was unreadable.
import { noEvidenceNote } from '../engine/gradcam/evidenceNote';
import { Predictor } from '../engine/predict/predictor';
import type { DicomFacts } from '../engine/types';
import type { PredictCommand } from './args';
import { EXIT } from './exitCodes';

/** Modality, body part, view, window and frames, as a radiologist would want them checked. */
export function dicomLine(d: DicomFacts): string {
  const w = d.window;
  const window = w.source === 'none' ? 'colour, no window' : `window ${round(w.center)}/${round(w.width)} (${w.source === 'file' ? 'from the file' : w.source === 'voi-lut' ? 'VOI LUT' : 'min-max of the pixels'})`;
  const parts = [d.modality, d.bodyPart, d.viewPosition].filter(Boolean).join(' ');
  return `${parts ? `${parts}, ` : ''}${window}, ${d.transferSyntax}${d.frames > 1 ? `, first of ${d.frames} frames` : ''}`;
}

function round(v: number | undefined): string {
  return v === undefined ? '?' : String(Math.round(v * 10) / 10);
}

export async function predictCommand(cmd: PredictCommand): Promise<number> {
  let predictor: Predictor;
  try {
    predictor = await Predictor.load(cmd.model, { backend: 'auto' });
  } catch (err) {
    process.stderr.write(`fracture-cnn: cannot load a model from ${cmd.model}: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  if (cmd.classIndex !== undefined && cmd.classIndex >= predictor.classes.length) {
    process.stderr.write(`fracture-cnn: --class must be 0..${predictor.classes.length - 1} (${predictor.classes.join(', ')}), got ${cmd.classIndex}\n`);
    return EXIT.usage;
  }
  const outcomes = await predictor.predict(cmd.images, { gradcam: cmd.gradcam !== undefined, outDir: cmd.gradcam, classIndex: cmd.classIndex });
  predictor.dispose();
  if (cmd.json) {
    process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
  } else {
    process.stdout.write(`Model of run ${predictor.runId} (${predictor.folder}), classes: ${predictor.classes.join(', ')}\n`);
    for (const o of outcomes) {
      if (!o.ok) continue;
      const p = o.prediction;
      const probs = p.classes.map((c, i) => `${c} ${(p.probabilities[i] * 100).toFixed(1)}%`).join(', ');
      process.stdout.write(`${p.path}: ${p.classes[p.predictedIndex]} (${probs}) ${p.milliseconds.toFixed(0)} ms\n`);
      if (p.dicom) process.stdout.write(`  DICOM: ${dicomLine(p.dicom)}\n`);
      if (p.overlayPath) process.stdout.write(`  Grad-CAM for "${p.classes[p.explainedIndex]}": ${p.overlayPath}\n  heat map: ${p.heatmapPath}\n`);
      if (p.noPositiveEvidence) process.stdout.write(`  ${noEvidenceNote(p.classes[p.explainedIndex] ?? String(p.explainedIndex))}\n`);
    }
  }
  const bad = outcomes.filter((o) => !o.ok);
  for (const o of bad) if (!o.ok) process.stderr.write(`fracture-cnn: cannot classify ${o.error}\n`);
  return bad.length ? EXIT.unreadableImages : EXIT.ok;
}
