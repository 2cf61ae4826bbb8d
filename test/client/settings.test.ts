import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../../src/engine/config';
import { EDITOR_SETTINGS, resolveFolderSetting, settingForMessage, TRAIN_SETTINGS, trainConfigFromSettings } from '../../src/client/settings';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;

function readDefaults(name: string): unknown {
  return properties[`fractureCnn.${name}`]?.default;
}

describe('settings to TrainConfig', () => {
  test('every training option has a contributed setting and every contributed training setting maps to an option', () => {
    for (const name of Object.values(TRAIN_SETTINGS)) assert.ok(properties[`fractureCnn.${name}`], `fractureCnn.${name} is contributed`);
    const mapped = new Set(Object.values(TRAIN_SETTINGS).map((n) => `fractureCnn.${n}`));
    const unmapped = Object.keys(properties).filter((k) => !mapped.has(k));
    assert.deepEqual(unmapped.sort(), Object.keys(EDITOR_SETTINGS).map((n) => `fractureCnn.${n}`).sort());
  });

  test('the editor-only settings default in code to what package.json contributes', () => {
    for (const [name, value] of Object.entries(EDITOR_SETTINGS)) assert.equal(readDefaults(name), value, `fractureCnn.${name}`);
  });

  test('the contributed defaults give exactly the engine defaults (the seed model)', () => {
    assert.deepEqual(resolveConfig(trainConfigFromSettings(readDefaults)), { ...DEFAULT_CONFIG });
  });

  test('renamed settings land on their engine keys', () => {
    const values: Record<string, unknown> = { validationFraction: 0.2, testFraction: 0.1, epochs: 3, augment: true };
    const config = trainConfigFromSettings((name) => values[name]);
    assert.deepEqual(config, { valFraction: 0.2, testFraction: 0.1, epochs: 3, augment: true } satisfies Partial<TrainConfig>);
  });

  test('an engine message about a key names the setting to fix', () => {
    assert.equal(settingForMessage('Invalid training setting: valFraction and testFraction must be positive'), 'fractureCnn.validationFraction');
    assert.equal(settingForMessage('Invalid training setting: epochs must be a positive integer, got 0'), 'fractureCnn.epochs');
    // The setting the engine names first wins over another setting's word later in the message.
    assert.equal(settingForMessage('Invalid training setting: pretrained applies to the radnet model only; set it to false for the seed model'), 'fractureCnn.pretrained');
    assert.equal(settingForMessage('something else'), undefined);
  });

  test('folder settings resolve against the workspace folder, keep absolute paths, expand ~', () => {
    const ws = '/work/my project ü';
    assert.equal(resolveFolderSetting('.fracture-cnn/runs', ws), '/work/my project ü/.fracture-cnn/runs');
    assert.equal(resolveFolderSetting('/data/x rays', ws), '/data/x rays');
    assert.equal(resolveFolderSetting('~/data', ws), join(homedir(), 'data'));
    assert.equal(resolveFolderSetting('  ', ws), ws);
  });
});
