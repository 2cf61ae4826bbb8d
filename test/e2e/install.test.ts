// The packaged .vsix installs into a fresh code-server, and what it contributes is there for a
// user: commands in the palette, "Classify X-ray" on images only, the activity-bar container.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { withSession } from './harness/session';

async function smallWorkspace(folder: string): Promise<void> {
  mkdirSync(join(folder, 'scans'), { recursive: true });
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .png()
    .toFile(join(folder, 'scans', 'wrist.png'));
  writeFileSync(join(folder, 'scans', 'notes.txt'), 'not an image\n');
}

test('the installed .vsix activates, offers its commands in the palette and "Classify X-ray" on images only', async () => {
  await withSession({ scenario: 'install', workspace: smallWorkspace }, async (session) => {
    const { workbench, page } = session;
    const labels = await workbench.paletteLabels('Fracture CNN');
    for (const expected of ['Fracture CNN: Train', 'Fracture CNN: Show Dashboard', 'Fracture CNN: Select Dataset Folder', 'Fracture CNN: Open Report']) {
      assert.ok(labels.includes(expected), `palette lacks "${expected}"; it offers: ${labels.join(' | ')}`);
    }
    assert.ok(!labels.includes('Fracture CNN: Cancel Training'), 'Cancel Training is offered while nothing trains');

    const image = await workbench.revealInExplorer('scans/wrist.png');
    const onImage = await workbench.contextMenuLabels(image);
    assert.ok(onImage.includes('Classify X-ray'), `image context menu: ${onImage.join(' | ')}`);
    const text = await workbench.revealInExplorer('scans/notes.txt');
    const onText = await workbench.contextMenuLabels(text);
    assert.ok(!onText.includes('Classify X-ray'), 'text files are offered "Classify X-ray"');

    await workbench.openViewContainer('Fracture CNN');
    await session.waitForActivation('fracture-cnn.fracture-cnn');
    const sideBar = page.locator('.part.sidebar');
    await sideBar.getByText('No training runs yet.').waitFor({ state: 'visible', timeout: 20_000 });
    await sideBar.getByRole('button', { name: 'Train a Model' }).waitFor({ state: 'visible' });
    await session.screenshot();
  });
});
