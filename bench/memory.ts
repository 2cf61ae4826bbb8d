// Peak memory of training on a large disk-backed set, run as its own process so its maxRSS is
// ours alone: `node --import tsx bench/memory.ts [images]`. Writes N synthetic 96x96 images into one
// raw file, opens it as a FileImageSet (what the dataset loader returns for large sets), trains the
// first batches of an epoch with the default workers, and prints JSON with process.resourceUsage().maxRSS.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/engine/backend/select';
import { resolveConfig } from '../src/engine/config';
import { FileImageSet } from '../src/engine/data/imageSet';
import { buildRadNet } from '../src/engine/model/radnet';
import { trainModel } from '../src/engine/train/train';
import { syntheticXrays } from './trainSupport';

async function main(): Promise<void> {
  const images = Number(process.argv[2] ?? 100000);
  const batches = Number(process.argv[3] ?? 20);
  const size = 96;
  const px = size * size;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracture-mem-'));
  const file = path.join(dir, 'pixels.u8');
  try {
    // 64 distinct images repeated: what matters here is the size on disk, not the content.
    const tile = syntheticXrays(64, size, 9);
    const fd = openSync(file, 'w');
    for (let i = 0; i < images; i += 64) writeSync(fd, tile.pixels, 0, Math.min(64, images - i) * px);
    closeSync(fd);
    const labels = new Int32Array(images).map((_, i) => tile.labels[i % 64]);
    const paths = Array.from({ length: images }, (_, i) => `img-${i}.png`);
    const offsets = new Float64Array(images).map((_, i) => i * px);
    const set = new FileImageSet(size, labels, paths, [file], new Uint16Array(images), offsets);
    const info = await initBackend('auto');
    const model = buildRadNet(size, 2, 42);
    const ac = new AbortController();
    const t0 = performance.now();
    let workers = 1;
    await trainModel(model, { train: set, val: set, numClasses: 2 }, resolveConfig({ imageSize: size, epochs: 1 }), {
      onLog: (l) => {
        const m = /over (\d+) threads/.exec(l);
        if (m) workers = Number(m[1]);
      },
      onBatch: (p) => {
        if (p.batch >= batches) ac.abort();
      },
    }, ac.signal);
    const maxRssMB = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ images, batches, maxRssMB, workers, backend: info.name, seconds: (performance.now() - t0) / 1000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
