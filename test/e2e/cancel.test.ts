// Scenario: a model is already trained; the user starts another training and cancels it from
// the progress notification. The run stops, shows as cancelled, and the earlier model stays
// the one "Classify X-ray" uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classImages, createSampleWorkspace } from '../../scripts/e2e/workspace';
import { classifyFrame, shownPrediction } from './harness/panels';
import { trainWithCli } from './harness/seed';
import { withSession } from './harness/session';

test('Cancel during training stops it, lists the run as cancelled and keeps the previous model active', async () => {
  let seededRun = '';
  let image = '';
  await withSession(
    {
      scenario: 'cancel',
      workspace: async (folder) => {
        // The seeded run trains with the CLI's own flags; the UI run gets far more epochs than it will
        // live (an epoch of this small set takes tens of milliseconds, so a few hundred could end first).
        const ws = await createSampleWorkspace(folder, { settings: { 'fractureCnn.epochs': 100_000, 'fractureCnn.patience': 100_000, 'fractureCnn.workers': 1 } });
        seededRun = trainWithCli(folder, 'sample-data');
        image = classImages(ws.datasetFolder, 'normal')[0];
      },
    },
    async (session) => {
      const { workbench, page } = session;
      await workbench.openViewContainer('Fracture CNN');
      await workbench.waitForSideBarRow(/acc .*active model/);

      await workbench.runCommand('Fracture CNN: Train');
      await workbench.waitForSideBarRow(/running · epoch \d+\/100000/, 120_000);
      const progress = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Fracture CNN: training' }).first();
      await progress.waitFor({ state: 'visible', timeout: 30_000 });
      const cancelledAt = Date.now();
      await progress.locator('.monaco-button', { hasText: /^Cancel$/ }).click();

      await workbench.waitForNotification(/training cancelled/, 30_000);
      console.log(`# cancel: training reported cancelled ${((Date.now() - cancelledAt) / 1000).toFixed(1)} s after Cancel was clicked`);
      const rows = await workbench.waitForSideBarRow(/cancelled/);
      const active = rows.filter((r) => /active model/.test(r.description));
      assert.equal(active.length, 1, `one active model: ${JSON.stringify(rows)}`);
      assert.ok(!/cancelled/.test(active[0].description), 'the cancelled run is not the active model');
      assert.ok(!/epoch|Fracture CNN: (starting|reading)/.test(await workbench.statusBarText()), 'the status bar no longer shows training');
      await session.screenshot();

      // The model that answers is still the earlier one.
      const row = await workbench.revealInExplorer(`sample-data/normal/${image}`);
      await workbench.contextMenu(row, 'Classify X-ray');
      const frame = await classifyFrame(workbench, image);
      await shownPrediction(frame);
      const runShown = (await frame.locator('dd[data-field="run"]').textContent()) ?? '';
      assert.equal(runShown.trim(), seededRun, 'Classify X-ray uses the run trained before the cancelled one');
      const cancelled = rows.find((r) => /cancelled/.test(r.description));
      assert.ok(cancelled, 'the cancelled run is listed');
      await session.screenshot('-classify');
      // What the run folder says matches what the view shows.
      const seeded = JSON.parse(readFileSync(join(seededRun, 'run.json'), 'utf8')) as { state: string };
      assert.equal(seeded.state, 'completed');
    },
  );
});
