// Scenario: a user opens a folder of X-rays and runs "Fracture CNN: Train" from the command palette.
// The dataset folder is not configured, so training asks for it with a quick pick of the folders
// that look like datasets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSampleWorkspace } from '../../scripts/e2e/workspace';
import { confusionCounts, dashboardFrame, inkedShare, plottedEpochs, reportRows, scrollIntoView, waitForDashboard } from './harness/panels';
import { withSession } from './harness/session';

test('Train from the palette shows progress, live curves, then the report and confusion matrix, and lists the run', async () => {
  await withSession(
    {
      scenario: 'train',
      workspace: async (folder) => {
        // Enough epochs that the dashboard can be seen mid-run (an epoch of this small set takes tens of
        // milliseconds); patience so no early stop cuts it short.
        await createSampleWorkspace(folder, {
          noDatasetSetting: true,
          settings: { 'fractureCnn.epochs': 150, 'fractureCnn.patience': 150, 'fractureCnn.workers': 1 },
        });
      },
    },
    async (session) => {
      const { workbench } = session;
      await workbench.runCommand('Fracture CNN: Show Dashboard');
      await dashboardFrame(workbench);

      await workbench.runCommand('Fracture CNN: Train');
      await workbench.pickQuickItem(/sample-data/);
      const progress = await workbench.waitForNotification(/Fracture CNN: training/, 60_000);
      assert.match(progress, /Fracture CNN: training/);

      // While the run is still training, the curves already hold at least one epoch.
      const live = await waitForDashboard(workbench, 'running', async (f) => (await plottedEpochs(f)) >= 1, 120_000);
      assert.ok((await inkedShare(live, 'canvas[aria-label^="Loss per epoch"]')) > 0.005, 'the loss chart is blank while training');
      await session.screenshot('-live');

      const done = await waitForDashboard(
        workbench,
        'completed',
        async (f) => (await f.locator('table.class-report').count()) > 0 && (await f.locator('table.heatmap').count()) > 0,
        240_000,
      );
      const rows = await reportRows(done);
      for (const name of ['fractured', 'normal', 'accuracy', 'macro avg', 'weighted avg']) {
        assert.ok(rows.has(name), `classification report lacks "${name}": ${[...rows.keys()].join(', ')}`);
      }
      const support = Number(rows.get('fractured')![3]) + Number(rows.get('normal')![3]);
      const matrix = await confusionCounts(done);
      assert.equal(matrix.length, 2, 'a 2x2 confusion matrix for two classes');
      assert.equal(matrix.flat().reduce((a, b) => a + b, 0), support, 'the confusion matrix counts every test image once');
      const meta = (await done.locator('.status .meta').textContent()) ?? '';
      assert.match(meta, /backend wasm/, 'trained on the packaged WebAssembly backend');
      assert.match(meta, /150 of 150 epochs/);
      await scrollIntoView(done, 'table.heatmap');
      await session.screenshot('-report');

      await workbench.openViewContainer('Fracture CNN');
      const runs = await workbench.waitForSideBarRow(/acc .*active model/);
      assert.equal(runs.filter((r) => /acc /.test(r.description)).length, 1, 'exactly one completed run is listed');
      await session.screenshot();
    },
  );
});
