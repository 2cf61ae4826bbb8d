// Scenario: a user sets fractureCnn.folds to 2 and runs "Fracture CNN: Train". The progress says
// which fold trains, the dashboard moves on to the second fold's run, the end notification gives
// the mean ± sd and opens the summary's report; in the Runs view the summary has its own menu, and
// deleting it (after a question that says so) removes its fold runs too.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSampleWorkspace } from '../../scripts/e2e/workspace';
import { waitForDashboard } from './harness/panels';
import { withSession } from './harness/session';

test('Train with folds 2 runs both folds with progress per fold, announces the summary, and its Runs item opens, reveals and deletes it with its folds', async () => {
  let runsFolder = '';
  await withSession(
    {
      scenario: 'cross-validation',
      workspace: async (folder) => {
        // Enough epochs per fold that each fold is seen running (an epoch of this small set takes tens of milliseconds).
        await createSampleWorkspace(folder, { settings: { 'fractureCnn.folds': 2, 'fractureCnn.epochs': 100, 'fractureCnn.patience': 100, 'fractureCnn.workers': 1 } });
        runsFolder = join(folder, '.fracture-cnn', 'runs');
      },
    },
    async (session) => {
      const { workbench, page } = session;
      await workbench.runCommand('Fracture CNN: Train');
      await workbench.waitForNotification(/Fold 1\/2 · Epoch \d+\/100/, 180_000);
      await workbench.waitForNotification(/Fold 2\/2 · (Reading images|Epoch)/, 240_000);
      // The dashboard opened for fold 1 has moved on to the second fold's run.
      await waitForDashboard(workbench, 'running', async (f) => /fold 2 of 2/.test((await f.locator('.status .meta').textContent()) ?? ''), 120_000);
      await session.screenshot('-fold2');

      const finished = page.locator('.notifications-toasts .notification-list-item', { hasText: /2-fold cross-validation finished: accuracy .*±/ }).first();
      await finished.waitFor({ state: 'visible', timeout: 240_000 });
      const actions = (await finished.locator('.monaco-button').allTextContents()).map((s) => s.trim());
      assert.deepEqual(actions, ['Open Report']);
      // One announcement for the whole cross-validation, none per fold.
      assert.equal((await workbench.notifications()).filter((n) => /training finished/.test(n)).length, 0);
      await finished.locator('.monaco-button', { hasText: 'Open Report' }).click();
      await workbench.webviewFrame('h1', { text: /Cross-validation /, timeout: 60_000 });

      await workbench.openViewContainer('Fracture CNN');
      await workbench.waitForSideBarRow(/^2-fold cross-validation · acc .*±/, 60_000);
      const summaryRow = page.locator('.part.sidebar .monaco-list-row', { hasText: '2-fold cross-validation' }).first();
      const labels = await workbench.contextMenuLabels(summaryRow);
      for (const wanted of ['Open Report', 'Reveal Run Folder', 'Delete Run']) assert.ok(labels.includes(wanted), `menu: ${labels.join(', ')}`);
      for (const absent of ['Set as Active Model', 'Open Dashboard', 'Compare with Another Run']) assert.ok(!labels.includes(absent), `menu: ${labels.join(', ')}`);
      assert.equal(readdirSync(runsFolder).length, 3, 'two fold runs and the summary');
      await session.screenshot('-menu');

      await workbench.contextMenu(summaryRow, 'Delete Run');
      const dialog = page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await dialog.innerText()).replace(/\s+/g, ' '), /Delete the 2-fold cross-validation .* and its 2 fold runs\?/);
      await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
      const deadline = Date.now() + 30_000;
      while (readdirSync(runsFolder).length > 0 && Date.now() < deadline) await page.waitForTimeout(250);
      assert.deepEqual(readdirSync(runsFolder), [], 'the summary and both fold runs are gone');
      await session.screenshot();
    },
  );
});
