// Scenario: with a trained model in the workspace, a user right-clicks an X-ray in the explorer
// and chooses "Classify X-ray".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classImages, createSampleWorkspace } from '../../scripts/e2e/workspace';
import { classifyFrame, shownPrediction } from './harness/panels';
import { trainWithCli } from './harness/seed';
import { withSession } from './harness/session';

test('Classify X-ray from the explorer shows the Grad-CAM overlay and every class probability', async () => {
  let image = '';
  await withSession(
    {
      scenario: 'classify',
      workspace: async (folder) => {
        const ws = await createSampleWorkspace(folder);
        trainWithCli(folder, 'sample-data');
        image = classImages(ws.datasetFolder, 'fractured')[0];
      },
    },
    async (session) => {
      const { workbench } = session;
      const row = await workbench.revealInExplorer(`sample-data/fractured/${image}`);
      await workbench.contextMenu(row, 'Classify X-ray');

      const frame = await classifyFrame(workbench, image);
      const shown = await shownPrediction(frame);
      assert.deepEqual(shown.probabilities.map((p) => p.name).sort(), ['fractured', 'normal']);
      const total = shown.probabilities.reduce((sum, p) => sum + Number.parseFloat(p.value), 0);
      assert.ok(Math.abs(total - 100) < 0.5, `probabilities add up to 100%: ${shown.probabilities.map((p) => p.value).join(' + ')}`);
      assert.ok(['fractured', 'normal'].includes(shown.predicted), `predicted class shown: "${shown.predicted}"`);
      assert.ok(shown.baseLoaded, 'the X-ray itself is displayed');
      assert.ok(shown.overlayLoaded, 'the Grad-CAM overlay image is displayed');
      await session.screenshot();
    },
  );
});
