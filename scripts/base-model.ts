// Builds the radnet base model that training starts from by default (setting `pretrained`):
// radnet trained on a large, class-balanced set of synthetic radiographs, so its filters already
// respond to cortices, fracture lines and buckles before they meet a user's few rare-class images.
// Its films are drawn with other seeds than the sample data's, so no sample image is seen twice.
//   node --import tsx scripts/base-model.ts [--epochs N] [--keep DIR]
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_BASE_DIR, BASE_INFO_JSON } from '../src/engine/model/pretrained';
import { generateSampleDataset } from '../src/engine/data/sample';
import { runTraining } from '../src/engine/runs/pipeline';
import { MODEL_DIR } from '../src/engine/runs/store';

/** Parts of the corpus: the sample's realistic mix, and the subtle kinds it draws only rarely. */
const PARTS = [
  { name: 'mix', fractured: 4000, normal: 4000, seed: 101 },
  { name: 'subtle', fractured: 2000, normal: 2000, seed: 202, kinds: ['hairline', 'buckle'] as const },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '30' }, keep: { type: 'string' } } });
  const work = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), 'radnet-base-'));
  const corpus = join(work, 'corpus');
  for (const part of PARTS) {
    const dir = join(work, part.name);
    await generateSampleDataset(dir, { fractured: part.fractured, normal: part.normal, seed: part.seed, ...('kinds' in part ? { kinds: [...(part.kinds ?? [])] } : {}) });
    for (const cls of ['fractured', 'normal']) {
      mkdirSync(join(corpus, cls), { recursive: true });
      for (const f of readdirSync(join(dir, cls))) linkSync(join(dir, cls, f), join(corpus, cls, `${part.name}-${f}`));
    }
  }
  const runs = join(work, 'runs');
  const outcome = await runTraining({
    datasetFolder: corpus,
    runsFolder: runs,
    config: { model: 'radnet', pretrained: false, epochs: Number(values.epochs), sampling: 'shuffle', valFraction: 0.1, testFraction: 0.1, bootstrapResamples: 0, seed: 42 },
    callbacks: { onLog: (line) => console.error(line), onEpoch: (m) => console.error(`epoch ${m.epoch} val_auc ${m.valAuc?.toFixed(4)} ${m.seconds.toFixed(1)} s`) },
  });
  if (outcome.tag !== 'completed') throw new Error(`base training ended ${outcome.tag}`);
  const out = resolve(BUILTIN_BASE_DIR);
  rmSync(out, { recursive: true, force: true });
  cpSync(join(outcome.folder!, MODEL_DIR), out, { recursive: true });
  const m = outcome.run.metrics!;
  const info = {
    model: 'radnet',
    imageSize: outcome.run.config.imageSize,
    corpus: PARTS,
    epochs: outcome.run.history.length,
    bestEpoch: outcome.run.bestEpoch,
    test: { rocAuc: m.roc?.auc, accuracy: m.accuracy },
  };
  writeFileSync(join(out, BASE_INFO_JSON), JSON.stringify(info, null, 1) + '\n');
  console.log(JSON.stringify(info));
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
