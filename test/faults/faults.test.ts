// Fault injection against the real CLI and the real training process: kill -9 at many moments,
// a full disk under the runs folder, a damaged pixel cache and a JSON-RPC fuzzer. After each
// fault: no run shows as running without a live process, the earlier model's files are
// unchanged (hashed), and every completed run still predicts; at the end the next training and
// prediction work. Ends with a one-line summary of the counts.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { writeTinyDataset } from '../engine/runs-fixtures';
import { cacheFaults } from './cache';
import type { FaultContext } from './context';
import { diskFaults } from './disk';
import { killFaults } from './kill';
import { rpcFuzz } from './rpc';
import { CLI, checkAfterFault, checkSettled, FAULT_SEED, hashTree, runCli, seededRandom, summaryLine, tally, TRAIN_ARGS } from './support';

describe('fault injection', () => {
  let ctx: FaultContext;
  const started = performance.now();

  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    await initBackend('wasm');
    const dir = await mkdtemp(join(tmpdir(), 'fcnn-faults-'));
    const data = join(dir, 'data');
    const images = await writeTinyDataset(data, { perClass: 10, size: 32 });
    const runsFolder = join(dir, 'runs');
    const cacheDir = join(dir, 'cache');
    const t0 = performance.now();
    const first = runCli(['train', data, ...TRAIN_ARGS, '--runs-dir', runsFolder, '--cache-dir', cacheDir], dir);
    const trainMs = performance.now() - t0;
    assert.equal(first.code, 0, first.stderr);
    const folder = join(runsFolder, readdirSync(runsFolder)[0]);
    ctx = { dir, data, runsFolder, cacheDir, baseline: { folder, hashes: hashTree(folder) }, image: images.positive[0], rng: seededRandom(FAULT_SEED), trainMs };
  });

  after(async () => {
    console.log(summaryLine(tally, (performance.now() - started) / 1000));
    for (const p of tally.problems) console.log(`  ${p}`);
    if (ctx) await rm(ctx.dir, { recursive: true, force: true });
  });

  const noNewProblems = () => {
    const before = tally.problems.length;
    return () => assert.deepEqual(tally.problems.slice(before), []);
  };

  it('survives kill -9 of the CLI training at 6 named moments around the model save and 10 random moments, each followed by a training', async () => {
    const check = noNewProblems();
    await killFaults(ctx, 10);
    check();
  });

  it('survives a full disk under the runs folder at random levels and around epoch 1', async (t) => {
    const check = noNewProblems();
    const skipped = await diskFaults(ctx, 5);
    if (skipped) t.skip(skipped);
    check();
  });

  it('rebuilds a damaged pixel cache and trains on', async () => {
    const check = noNewProblems();
    await cacheFaults(ctx);
    check();
  });

  it('answers a JSON-RPC fuzzer (missing, wrong-typed and huge params) and stays up', async () => {
    const check = noNewProblems();
    await rpcFuzz(ctx);
    check();
  });

  it('after every fault, the next training completes, everything left behind is put right, and predict works', async () => {
    const r = runCli(['train', ctx.data, ...TRAIN_ARGS, '--runs-dir', ctx.runsFolder, '--cache-dir', ctx.cacheDir], ctx.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await checkSettled(ctx.runsFolder), []);
    assert.deepEqual(await checkAfterFault(ctx.runsFolder, ctx.baseline, ctx.image), { problems: [], lost: false });
    const p = runCli(['predict', ctx.baseline.folder, ctx.image, '--json'], ctx.dir);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(JSON.parse(p.stdout)[0].ok, true);
  });
});
