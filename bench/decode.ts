// Decode throughput: a folder of 512x512 synthetic radiographs (half PNG, half JPEG) loaded to
// 48x48 gray, cold (empty cache) and cached, against a plain Python PIL loop on the same files.
// CPU milliseconds per image are reported beside images/s: on a shared machine they move less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../src/engine/data/load';
import type { LoadOptions } from '../src/engine/data/load';
import { generateSampleDataset } from '../src/engine/data/sample';
import { scanDataset } from '../src/engine/data/scan';
import type { BenchRow } from './row';

const SIZE = 48;

interface Measured {
  perSecond: number;
  cpuMsPerImage: number;
}

async function benchFolder(quick: boolean): Promise<string> {
  const dir = join(__dirname, '..', '.bench', quick ? 'decode-512-quick' : 'decode-512');
  const done = join(dir, '.complete');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    const n = quick ? 400 : 2000;
    await generateSampleDataset(dir, { fractured: n / 4, normal: (n * 3) / 4, size: 512, format: 'mixed', seed: 512 });
    writeFileSync(done, '');
  }
  return dir;
}

/** A Python with PIL and numpy, or undefined. */
function findPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import PIL, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runPil(python: string, paths: string[]): Measured {
  const tmp = mkdtempSync(join(tmpdir(), 'fcnn-pil-'));
  try {
    const list = join(tmp, 'paths.txt');
    writeFileSync(list, paths.join('\n'));
    const r = spawnSync(python, [join(__dirname, 'pil_decode.py'), list, String(SIZE)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pil_decode.py failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { images: number; seconds: number; cpuSeconds: number };
    return { perSecond: out.images / out.seconds, cpuMsPerImage: (out.cpuSeconds * 1000) / out.images };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function timedLoad(dir: string, options: LoadOptions, expectCached: boolean): Promise<Measured> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const d = await loadDataset(dir, options);
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const images = d.train.size + d.val.size + d.test.size;
  if (expectCached !== (d.report.cachedImages === images)) throw new Error(`${d.report.cachedImages} of ${images} images came from the cache`);
  return { perSecond: images / seconds, cpuMsPerImage: (used.user + used.system) / 1000 / images };
}

export async function benchDecode(report: (row: BenchRow) => void, options: { quick?: boolean } = {}): Promise<void> {
  const quick = options.quick ?? false;
  const dir = await benchFolder(quick);
  const paths = (await scanDataset(dir)).files.map((f) => f.path);
  for (const p of paths) readFileSync(p); // the same warm page cache for every contender
  const section = 'decode';
  const note = `${paths.length} images 512x512 (PNG+JPEG) to ${SIZE}x${SIZE} gray`;

  const python = findPython();
  // PIL runs just before and just after ours and the two are averaged: the machine's load drifts.
  const pilBefore = python ? runPil(python, paths) : undefined;
  let pil = pilBefore;
  const vs = (v: number, b?: number): Partial<BenchRow> => (b !== undefined ? { baseline: b, baselineName: 'PIL loop', ratio: v / b } : {});

  const cacheRoot = mkdtempSync(join(tmpdir(), 'fcnn-bench-cache-'));
  try {
    const common = { imageSize: SIZE, valFraction: 0.15, testFraction: 0.15, seed: 1 };
    if (!quick) {
      for (const concurrency of [1, 2, 8]) {
        const r = await timedLoad(dir, { ...common, concurrency, cacheDir: join(cacheRoot, `c${concurrency}`) }, false);
        report({ section, name: `first ingest, ${concurrency} image${concurrency === 1 ? '' : 's'} in flight`, value: r.perSecond, unit: 'img/s', ...vs(r.perSecond, pil?.perSecond) });
      }
    }
    const cacheDir = join(cacheRoot, 'default');
    const cold = await timedLoad(dir, { ...common, cacheDir }, false);
    if (python && pilBefore) {
      const after = runPil(python, paths);
      pil = { perSecond: (pilBefore.perSecond + after.perSecond) / 2, cpuMsPerImage: (pilBefore.cpuMsPerImage + after.cpuMsPerImage) / 2 };
      const spread = `runs before and after ours: ${pilBefore.perSecond.toFixed(0)} and ${after.perSecond.toFixed(0)} img/s`;
      report({ section, name: 'PIL loop (open, convert L, resize, asarray)', value: pil.perSecond, unit: 'img/s', note: `${python}, one process; ${spread}` });
    } else {
      report({ section, name: 'PIL loop', value: NaN, unit: 'img/s', note: 'no python3 with PIL and numpy (apt-get install python3-pil python3-numpy)' });
    }
    report({ section, name: `first ingest (cold cache, default ${2 * availableParallelism()} in flight)`, value: cold.perSecond, unit: 'img/s', ...vs(cold.perSecond, pil?.perSecond), note });
    const warm = await timedLoad(dir, { ...common, cacheDir }, true);
    report({ section, name: 'second ingest (cached)', value: warm.perSecond, unit: 'img/s', ...vs(warm.perSecond, pil?.perSecond), note });
    // CPU per image: lower is better, so the ratio is PIL's over ours (above 1 means cheaper than PIL).
    const cpuRow = (name: string, m: Measured): BenchRow => ({
      section,
      name,
      value: m.cpuMsPerImage,
      unit: 'CPU ms/img',
      ...(pil ? { baseline: pil.cpuMsPerImage, baselineName: 'PIL loop', ratio: pil.cpuMsPerImage / m.cpuMsPerImage, note: 'ratio: PIL / ours' } : {}),
    });
    report(cpuRow('first ingest CPU per image', cold));
    report(cpuRow('second ingest CPU per image', warm));
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

/**
 * Peak memory of loading `count` images at `imageSize` and reading one shuffled epoch of batches,
 * measured in a fresh process: `node --import tsx bench/decode.ts memory 100000 96`.
 * Prints {cold, cached} JSON with seconds, peak RSS in MB and where the pixels were kept.
 */
async function memoryRun(count: number, imageSize: number): Promise<void> {
  const dir = join(__dirname, '..', '.bench', `memory-${count}`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    const { default: sharp } = await import('sharp');
    const { mkdirSync } = await import('node:fs');
    const side = 64;
    for (let i = 0; i < count; i++) {
      const cls = i % 4 === 0 ? 'fractured' : 'normal';
      if (i < 2) mkdirSync(join(dir, cls), { recursive: true });
      const px = new Uint8Array(side * side);
      for (let k = 0; k < px.length; k++) px[k] = (k * 7 + i * 13 + (i >> 8) * k) & 0xff;
      writeFileSync(join(dir, cls, `${i}.png`), await sharp(px, { raw: { width: side, height: side, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer());
    }
    writeFileSync(join(dir, '.complete'), '');
  }
  const cacheDir = join(dir, '..', `memory-${count}-cache`);
  const mode = process.argv[5] ?? 'cold';
  if (mode === 'cold') rmSync(cacheDir, { recursive: true, force: true });
  const t = performance.now();
  const d = await loadDataset(dir, { imageSize, valFraction: 0.15, testFraction: 0.15, seed: 1, cacheDir });
  const loadSeconds = (performance.now() - t) / 1000;
  const batch = new Uint8Array(32 * imageSize * imageSize);
  const order = Array.from({ length: d.train.size }, (_, i) => i).sort(() => Math.random() - 0.5);
  const e = performance.now();
  for (let i = 0; i < order.length; i += 32) d.train.read(order.slice(i, i + 32), batch.subarray(0, Math.min(32, order.length - i) * imageSize * imageSize));
  const epochSeconds = (performance.now() - e) / 1000;
  console.log(JSON.stringify({ mode, images: count, imageSize, store: d.train.constructor.name, loadSeconds, epochReadSeconds: epochSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

if (require.main === module && process.argv[2] === 'memory') {
  memoryRun(Number(process.argv[3] ?? 100000), Number(process.argv[4] ?? 96)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
