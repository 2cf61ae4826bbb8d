// Scenario: a newcomer's first minutes. A folder holding a dataset is open (with a note they were
// reading), and they run "Fracture CNN: Train" from the palette, nothing else: the dashboard of the
// run opens beside their editor without taking the focus, shows live curves, then the outcome and
// the report; the end notification offers the next steps, and "Open Report" opens report.md.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSampleWorkspace } from '../../scripts/e2e/workspace';
import { dashboardFrame, inkedShare, plottedEpochs, reportRows, waitForDashboard } from './harness/panels';
import { withSession } from './harness/session';

const NOTE = 'first-steps.md';

test('Train alone opens the live dashboard beside the editor, keeps the focus there, then shows the report and the next steps', async () => {
  await withSession(
    {
      scenario: 'newcomer',
      workspace: async (folder) => {
        // No dataset setting: Train finds the folder. Enough epochs to be seen mid-run (an epoch of this
        // small set takes tens of milliseconds).
        await createSampleWorkspace(folder, {
          noDatasetSetting: true,
          settings: { 'fractureCnn.epochs': 150, 'fractureCnn.patience': 150, 'fractureCnn.workers': 1 },
        });
        writeFileSync(join(folder, NOTE), '# First steps\n\nTrain a model on sample-data.\n');
      },
    },
    async (session) => {
      const { workbench, page } = session;
      const note = await workbench.revealInExplorer(NOTE);
      await note.dblclick();
      await page.locator('.editor-group-container.active .tab.active', { hasText: NOTE }).waitFor({ state: 'visible', timeout: 30_000 });
      // The newcomer is typing in the note when they start the training.
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
      await page.keyboard.press('End');
      const inNote = (): Promise<boolean> =>
        page.evaluate(() => !!document.activeElement?.closest('.editor-group-container.active .monaco-editor'));
      assert.ok(await inNote(), 'the note has the keyboard focus before Train');

      await workbench.runCommand('Fracture CNN: Train');
      await workbench.pickQuickItem(/sample-data/);

      const live = await waitForDashboard(workbench, 'running', async (f) => (await plottedEpochs(f)) >= 1, 180_000);
      assert.ok((await inkedShare(live, 'canvas[aria-label^="Loss per epoch"]')) > 0.005, 'the loss chart is blank while training');
      // Beside the editor: a second editor group holds the dashboard, and the note keeps the focus.
      const groups = await page.locator('.part.editor .editor-group-container').evaluateAll((els) =>
        els.map((g) => ({
          active: g.classList.contains('active'),
          tabs: Array.from(g.querySelectorAll('.tab')).map((t) => (t.getAttribute('aria-label') ?? t.textContent ?? '').trim()),
        })),
      );
      const dashboardGroup = groups.find((g) => g.tabs.some((t) => t.includes('Fracture CNN Dashboard')));
      const noteGroup = groups.find((g) => g.tabs.some((t) => t.includes(NOTE)));
      assert.ok(dashboardGroup && noteGroup, `editor groups: ${JSON.stringify(groups)}`);
      assert.notEqual(dashboardGroup, noteGroup, 'the dashboard opens beside the editor, not over it');
      assert.ok(noteGroup.active, `the editor keeps the focus: ${JSON.stringify(groups)}`);
      assert.ok(await inNote(), 'the keyboard focus stays in the note');
      await session.screenshot('-live');

      const done = await waitForDashboard(workbench, 'completed', async (f) => (await f.locator('table.class-report').count()) > 0, 300_000);
      const rows = await reportRows(done);
      for (const name of ['fractured', 'normal', 'accuracy']) assert.ok(rows.has(name), `the report lacks "${name}"`);

      const finished = page.locator('.notifications-toasts .notification-list-item', { hasText: /training finished, test accuracy/ }).first();
      await finished.waitFor({ state: 'visible', timeout: 60_000 });
      const actions = (await finished.locator('.monaco-button').allTextContents()).map((s) => s.trim());
      assert.deepEqual(actions, ['Open Report', 'Classify an Image...'], 'next steps (no earlier run to compare with; the dashboard is open already)');
      await session.screenshot('-report');

      await finished.locator('.monaco-button', { hasText: 'Open Report' }).click();
      const preview = await workbench.webviewFrame('h1', { text: /Fracture CNN run /, timeout: 60_000 });
      assert.ok((await preview.locator('h2', { hasText: 'Configuration' }).count()) > 0, 'report.md is shown');
      assert.ok(await dashboardFrame(workbench), 'the dashboard is still open');
      await session.screenshot();
    },
  );
});
