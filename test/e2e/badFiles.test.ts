// Scenario: a real folder of X-rays holds more than clean images: a scan cut short, an empty
// file, a text note and a file that only pretends to be a PNG. Training completes anyway, and
// the dashboard lists every skipped file with its reason. Training starts from the explorer's
// "Train on this Folder" on the dataset folder.
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { addBadFiles, createSampleWorkspace } from '../../scripts/e2e/workspace';
import { dashboardFrame, reportRows, scrollIntoView, skippedFiles, waitForDashboard } from './harness/panels';
import { withSession } from './harness/session';

test('A dataset with corrupt and non-image files trains to completion and the dashboard lists the skipped files', async () => {
  let bad: string[] = [];
  await withSession(
    {
      scenario: 'bad-files',
      workspace: async (folder) => {
        const ws = await createSampleWorkspace(folder, { noDatasetSetting: true, settings: { 'fractureCnn.epochs': 2, 'fractureCnn.workers': 1 } });
        bad = addBadFiles(ws.datasetFolder, 'normal').map((p) => basename(p));
      },
    },
    async (session) => {
      const { workbench } = session;
      await workbench.runCommand('Fracture CNN: Show Dashboard');
      await dashboardFrame(workbench);
      // The user names the folder from the explorer rather than in settings.
      await workbench.contextMenu(await workbench.revealInExplorer('sample-data'), 'Train on this Folder');

      const done = await waitForDashboard(workbench, 'completed', async (f) => (await f.locator('table.class-report').count()) > 0, 240_000);
      assert.ok((await reportRows(done)).has('normal'), 'the report is there: training completed');
      const skipped = await skippedFiles(done);
      const byName = new Map(skipped.map((s) => [basename(s.name), s.reason]));
      for (const name of bad) assert.ok(byName.has(name), `${name} is not listed as skipped: ${JSON.stringify(skipped)}`);
      assert.equal(byName.get('empty.jpg'), 'empty');
      assert.equal(byName.get('notes.txt'), 'not-an-image');
      assert.equal(byName.get('not-really.png'), 'not-an-image');
      assert.equal(byName.get(bad.find((n) => n.startsWith('truncated-scan'))!), 'truncated');
      assert.equal(skipped.length, bad.length, 'only the bad files are skipped');
      await scrollIntoView(done, 'details.skipped');
      await session.screenshot();
    },
  );
});
