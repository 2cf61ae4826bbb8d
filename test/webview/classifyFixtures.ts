// Images for the classify panel tests: X-ray-like pictures made with sharp, their Grad-CAM
// pictures drawn by the engine's own overlay renderer, and the state the host would send.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderHeatPictures } from '../../src/engine/gradcam/overlay';
import type { PredictOutcome } from '../../src/engine/types';
import type { PredictResult } from '../../src/protocol/training';

export interface Fixture {
  dir: string;
  /** Readable images with their outcomes. */
  outcomes: PredictOutcome[];
  unreadable: string;
}

/** A gray picture with a bright diagonal "bone" and a dark gap, like the sample radiographs. */
async function xray(size: number): Promise<Uint8Array> {
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.abs(x - y) / size;
      const bone = d < 0.08 ? 200 : 40 + Math.round(30 * Math.sin(x / 17) * Math.cos(y / 23));
      const gap = Math.abs(x - size * 0.55) < size * 0.015 && d < 0.1 ? -150 : 0;
      data[y * size + x] = Math.max(0, Math.min(255, bone + gap));
    }
  }
  return data;
}

function heat(n: number, cx: number, cy: number): Float32Array {
  const h = new Float32Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) h[y * n + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4);
  return h;
}

export async function makeFixture(classes = ['fractured', 'normal']): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'classify-webview-'));
  const outcomes: PredictOutcome[] = [];
  const specs = [
    { name: 'wrist fracture.png', size: 512, probs: [0.87, 0.13], format: 'png' as const },
    { name: 'ankle.jpg', size: 384, probs: [0.21, 0.79], format: 'jpeg' as const },
  ];
  for (const [i, s] of specs.entries()) {
    const gray = await xray(s.size);
    const path = join(dir, s.name);
    const img = sharp(Buffer.from(gray), { raw: { width: s.size, height: s.size, channels: 1 } });
    await (s.format === 'png' ? img.png() : img.jpeg()).toFile(path);
    const pics = await renderHeatPictures({ width: s.size, height: s.size, data: gray }, heat(10, 5.5 + i, 5), 10, 10);
    const overlayPath = join(dir, `${i}.overlay.png`);
    const heatmapPath = join(dir, `${i}.heatmap.png`);
    await writeFile(overlayPath, pics.overlayPng);
    await writeFile(heatmapPath, pics.heatmapPng);
    const predictedIndex = s.probs[0] >= s.probs[1] ? 0 : 1;
    outcomes.push({
      ok: true,
      prediction: { path, classes, probabilities: s.probs, predictedIndex, explainedIndex: predictedIndex, overlayPath, heatmapPath, width: s.size, height: s.size, milliseconds: 42 + i, runId: 'run-1' },
    });
  }
  const unreadable = join(dir, 'notes.png');
  await writeFile(unreadable, 'this is not a picture');
  return { dir, outcomes, unreadable };
}

export function result(f: Fixture, withUnreadable: boolean, count = 2): PredictResult {
  const outcomes = f.outcomes.slice(0, count);
  if (withUnreadable) outcomes.push({ ok: false, path: f.unreadable, error: `${f.unreadable}: not-an-image: Input buffer contains unsupported image format` });
  return { outcomes, modelLoadMs: 0 };
}
