// Data reaches the page only as text: no webview source may parse strings as HTML.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from './harness';

it('dashboard and shared webview code never parses strings as HTML', () => {
  const offenders: string[] = [];
  for (const dir of ['webview/dashboard', 'webview/shared']) {
    for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(ROOT, dir, name), 'utf8');
      for (const api of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'DOMParser', 'createContextualFragment']) {
        if (text.includes(api)) offenders.push(`${dir}/${name}: ${api}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});
