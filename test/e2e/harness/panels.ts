// Reading what the extension's webview panels show, the way a user would see it: the dashboard's
// run state, curves, report table, confusion matrix and skipped files; the classify panel's
// overlay and probabilities.
import type { Frame } from 'playwright-core';
import type { Workbench } from './workbench';

export type DashboardRunState = 'running' | 'completed' | 'cancelled' | 'failed';

/** The dashboard's frame (its heading is "Fracture CNN training"). */
export function dashboardFrame(workbench: Workbench, timeout = 60_000): Promise<Frame> {
  return workbench.webviewFrame('h1', { text: /Fracture CNN training/, timeout });
}

/** Waits until the dashboard shows a run in `state`; `also` may ask for more (polled with it). */
export async function waitForDashboard(
  workbench: Workbench,
  state: DashboardRunState,
  also: (frame: Frame) => Promise<boolean> = async () => true,
  timeout = 180_000,
): Promise<Frame> {
  const deadline = Date.now() + timeout;
  let seen = '(no dashboard)';
  for (;;) {
    const frame = await dashboardFrame(workbench, Math.max(1_000, deadline - Date.now())).catch(() => undefined);
    if (frame) {
      const badge = frame.locator(`.state-badge[data-state="${state}"]`);
      if ((await badge.count().catch(() => 0)) > 0 && (await badge.first().isVisible().catch(() => false)) && (await also(frame).catch(() => false))) {
        return frame;
      }
      seen = (await frame.locator('.status').first().textContent().catch(() => null)) ?? seen;
    }
    if (Date.now() > deadline) throw new Error(`dashboard never showed a ${state} run; last status: ${seen}`);
    await workbench.page.waitForTimeout(250);
  }
}

/** Epochs the loss curve has points for, read from the canvas's accessible label. */
export async function plottedEpochs(frame: Frame): Promise<number> {
  const label = (await frame.locator('canvas[aria-label^="Loss per epoch"]').first().getAttribute('aria-label')) ?? '';
  const m = /epoch (\d+):/.exec(label);
  return m ? Number(m[1]) : 0;
}

/** Share of a canvas's pixels that are not transparent: a drawn chart is well above zero. */
export async function inkedShare(frame: Frame, selector: string): Promise<number> {
  return frame.locator(selector).first().evaluate((node) => {
    const canvas = node as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    return inked / (canvas.width * canvas.height);
  });
}

/** Rows of the classification report: first cell (class or average name) -> the numbers after it. */
export async function reportRows(frame: Frame): Promise<Map<string, string[]>> {
  const rows = await frame.locator('table.class-report tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())),
  );
  return new Map(rows.filter((r) => r.length > 1 && r[0]).map((r) => [r[0], r.slice(1)]));
}

/** The confusion matrix's counts, rows = true class. */
export async function confusionCounts(frame: Frame): Promise<number[][]> {
  return frame.locator('table.heatmap tr').evaluateAll((trs) =>
    trs
      .map((tr) => Array.from(tr.querySelectorAll('.count')).map((c) => Number((c.textContent ?? '').trim())))
      .filter((r) => r.length > 0),
  );
}

/** Files the dataset summary lists as skipped, with their reasons. */
export async function skippedFiles(frame: Frame): Promise<{ name: string; reason: string }[]> {
  return frame.locator('details.skipped li').evaluateAll((lis) =>
    lis.map((li) => ({
      name: (li.querySelector('button')?.textContent ?? '').trim(),
      reason: (li.querySelector('.reason')?.textContent ?? '').trim(),
    })),
  );
}

/** The classify panel's frame, once it shows a prediction for `imageName`. */
export function classifyFrame(workbench: Workbench, imageName: string, timeout = 90_000): Promise<Frame> {
  return workbench.webviewFrame('.detail-card h2', { text: new RegExp(`^${imageName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), timeout });
}

export interface ShownPrediction {
  predicted: string;
  probabilities: { name: string; value: string }[];
  overlayLoaded: boolean;
  baseLoaded: boolean;
}

/** What the classify panel shows for the selected image, once the probabilities are there. */
export async function shownPrediction(frame: Frame, timeout = 90_000): Promise<ShownPrediction> {
  await frame.locator('ul.probs li').first().waitFor({ state: 'visible', timeout });
  // The overlay image loads after the probabilities arrive.
  await frame
    .waitForFunction(() => {
      const img = document.querySelector('img.layer') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    }, undefined, { timeout })
    .catch(() => undefined);
  // No named helper functions inside: the page does not have the bundler's __name shim.
  return frame.evaluate(() => {
    const base = document.querySelector('img.base') as HTMLImageElement | null;
    const layer = document.querySelector('img.layer') as HTMLImageElement | null;
    return {
      predicted: (document.querySelector('.predicted-class')?.textContent ?? '').trim(),
      probabilities: Array.from(document.querySelectorAll('ul.probs li')).map((li) => ({
        name: (li.querySelector('.name')?.textContent ?? '').trim(),
        value: (li.querySelector('.value')?.textContent ?? '').trim(),
      })),
      overlayLoaded: !!layer && layer.complete && layer.naturalWidth > 0,
      baseLoaded: !!base && base.complete && base.naturalWidth > 0,
    };
  });
}

/** Scrolls a webview element into the middle of the view for a screenshot; a re-render racing it is harmless. */
export async function scrollIntoView(frame: Frame, selector: string): Promise<void> {
  await frame.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), selector).catch(() => undefined);
}
