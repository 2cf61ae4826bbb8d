// The dashboard and classify pages are a trust boundary: every message is checked for its
// params' types, and the host acts only on paths it listed itself for the run it shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord, RunSummary } from '../../src/engine/types';
import { ClassifyImageCommand, ExplainClassCommand, ExportCommand, MAX_EXPORT_CHARS, OpenFileCommand, ReadyCommand, SelectRunCommand } from '../../src/protocol/webview';
import { DashboardController } from '../../src/views/dashboard/controller';
import { summarize } from '../../src/views/dashboard/liveRun';
import { thumbnailFolders } from '../../src/views/dashboard/shownPaths';
import { completed } from './dashboardFixtures';

const RUNS = '/ws/.fracture-cnn/runs';

async function showing(record: RunRecord) {
  const allowed: string[] = [];
  const folder = `${RUNS}/${record.id}`;
  const controller = new DashboardController(
    {
      listRuns: async (): Promise<RunSummary[]> => [summarize(record, folder)],
      getRun: async () => record,
      trainingState: async () => ({}),
    },
    { post: () => undefined, imageUri: (p) => `vscode-resource:${p}`, allowFolder: (f) => allowed.push(f) },
    record.id,
    0,
  );
  await controller.ready();
  return { controller, allowed };
}

describe('webview trust boundary', () => {
  it('accepts a message only when its params have the right types', () => {
    const msg = (method: string, params: unknown) => ({ method, params });
    assert.ok(OpenFileCommand.is(msg('webview/openFile', { path: '/a.png' })));
    assert.ok(!OpenFileCommand.is(msg('webview/openFile', { path: 5 })));
    assert.ok(!OpenFileCommand.is(msg('webview/openFile', undefined)));
    assert.ok(!OpenFileCommand.is(msg('webview/openFile', { path: '' })));
    assert.ok(!ClassifyImageCommand.is(msg('webview/classifyImage', { path: ['/a.png'] })));
    assert.ok(!SelectRunCommand.is(msg('dashboard/selectRun', { runId: { toString: 'x' } })));
    assert.ok(!ExplainClassCommand.is(msg('classify/explainClass', { path: '/a.png', classIndex: '1' })));
    assert.ok(ExplainClassCommand.is(msg('classify/explainClass', { path: '/a.png', classIndex: 1 })));
    const exp = { runId: 'r', fileName: 'curves.png', kind: 'png', data: 'iVBORw0KGgo=' };
    assert.ok(ExportCommand.is(msg('dashboard/export', exp)));
    assert.ok(!ExportCommand.is(msg('dashboard/export', { ...exp, kind: 'exe' })));
    assert.ok(!ExportCommand.is(msg('dashboard/export', { ...exp, data: 42 })));
    assert.ok(!ExportCommand.is(msg('dashboard/export', { ...exp, data: 'A'.repeat(MAX_EXPORT_CHARS + 1) })));
    assert.ok(ReadyCommand.is(msg('webview/ready', {})));
    assert.ok(!ReadyCommand.is(null));
  });

  it('opens and classifies only the files the dashboard listed for the run it shows', async () => {
    const { controller } = await showing(completed);
    const mistake = completed.metrics!.misclassified[0]!.path;
    const skipped = completed.dataset!.skipped[0]!.path;
    assert.ok(controller.mayOpen(mistake));
    assert.ok(controller.mayClassify(mistake));
    assert.ok(controller.mayOpen(skipped), 'files the dataset report names open');
    assert.ok(!controller.mayClassify(skipped), 'but only test images go to Classify');
    for (const p of ['/etc/passwd', `${completed.datasetFolder}/fractured/other.png`, `${RUNS}/${completed.id}/run.json`]) {
      assert.ok(!controller.mayOpen(p), p);
      assert.ok(!controller.mayClassify(p), p);
    }
  });

  it("never adds a run.json's dataset folder, a filesystem root or a non-image's folder to the page's resource roots", async () => {
    const hostile: RunRecord = {
      ...completed,
      id: 'hostile',
      datasetFolder: '/',
      metrics: {
        ...completed.metrics!,
        misclassified: [
          { path: '/etc/shadow', trueIndex: 0, predIndex: 1, confidence: 0.9 },
          { path: '/top.png', trueIndex: 0, predIndex: 1, confidence: 0.9 },
          { path: '/data/xrays/a.png', trueIndex: 0, predIndex: 1, confidence: 0.9 },
        ],
      },
    };
    const { allowed, controller } = await showing(hostile);
    assert.deepEqual(allowed, ['/data/xrays']);
    assert.deepEqual(thumbnailFolders(hostile), ['/data/xrays']);
    assert.ok(!controller.mayOpen('/etc/shadow'));
  });
});
