// What a user does in the VS Code workbench, as Playwright steps: the command palette, the
// explorer and its context menu, notifications, the status bar, views, and webview content
// (which VS Code nests two iframes deep, so it is found by searching page.frames()).
import type { Frame, Locator, Page } from 'playwright-core';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string): RegExp => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

export class Workbench {
  constructor(readonly page: Page) {}

  async waitReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // The status bar and activity bar come last; until then keystrokes can be lost.
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** Waits until the extension host has registered an extension's view container in the activity bar. */
  async waitForViewContainer(title: string, timeout = 90_000): Promise<void> {
    await this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`).first().waitFor({ state: 'attached', timeout });
  }

  /** Opens the command palette with `query` typed; answers the labels of the offered commands. */
  async paletteLabels(query: string): Promise<string[]> {
    await this.openPalette(query);
    const rows = this.page.locator('.quick-input-list .monaco-list-row .label-name');
    await rows.first().waitFor({ state: 'visible', timeout: 20_000 });
    const labels = (await rows.allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
    await this.page.keyboard.press('Escape');
    return labels;
  }

  private async openPalette(query: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch {
        // The workbench sometimes eats the first key while it is still wiring up its keybindings.
      }
    }
    await input.fill(`>${query}`);
  }

  /** Runs a command from the palette by its full label ("Fracture CNN: Train"). */
  async runCommand(label: string): Promise<void> {
    await this.openPalette(label);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await this.clickUntilGone(row);
  }

  /** Clicks a list row until it goes away (a click that lands while the list re-renders is lost). */
  private async clickUntilGone(row: Locator): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await row.click();
      try {
        await row.waitFor({ state: 'hidden', timeout: 2_000 });
        return;
      } catch (err) {
        if (attempt === 2) throw err;
      }
    }
  }

  /** Picks an item in an open quick pick by (part of) its label. */
  async pickQuickItem(text: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await this.clickUntilGone(row);
  }

  /** An explorer row by its file or folder name. */
  explorerRow(name: string): Locator {
    return this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) })
      .first();
  }

  /** Expands folders down a path in the explorer ("sample-data/fractured/img.png") and answers the last row. */
  async revealInExplorer(relativePath: string): Promise<Locator> {
    if (!(await this.page.locator('.explorer-folders-view').isVisible())) await this.openViewContainer('Explorer');
    const parts = relativePath.split('/');
    for (const [i, part] of parts.entries()) {
      const row = this.explorerRow(part);
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      if (i < parts.length - 1 && (await row.getAttribute('aria-expanded')) === 'false') await row.click();
      if (i === parts.length - 1) {
        await row.scrollIntoViewIfNeeded();
        return row;
      }
    }
    throw new Error(`empty path: ${relativePath}`);
  }

  /** Right-clicks a row and chooses a context menu item. */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await target.click({ button: 'right' });
    const entry = this.page.locator('.context-view .action-label', { hasText: exactly(item) }).first();
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    // The menu ignores a mouse-up that comes right after it opened; hover first, and if the
    // click was swallowed anyway the item is highlighted and Enter chooses it.
    await entry.hover();
    await this.page.waitForTimeout(200);
    await entry.click();
    try {
      await entry.waitFor({ state: 'hidden', timeout: 1_500 });
    } catch {
      await this.page.keyboard.press('Enter');
      await entry.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  /** Labels of a context menu, closed again afterwards. */
  async contextMenuLabels(target: Locator): Promise<string[]> {
    await target.click({ button: 'right' });
    const items = this.page.locator('.context-view .action-label');
    await items.first().waitFor({ state: 'visible', timeout: 10_000 });
    const labels = (await items.allTextContents()).map((s) => s.trim()).filter(Boolean);
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /** Texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents()).map((s) => s.trim());
  }

  /** Waits for a notification toast matching `text`. */
  async waitForNotification(text: RegExp, timeout = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.textContent())?.trim() ?? '';
  }

  /** Text of the whole status bar. */
  async statusBarText(): Promise<string> {
    return (await this.page.locator('.part.statusbar').innerText()).replace(/\s+/g, ' ');
  }

  /** Opens a view container from the activity bar by its title ("Fracture CNN"). */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    const checked = await item.locator('xpath=..').getAttribute('aria-pressed');
    if (checked !== 'true') await item.click();
  }

  /** Rows of the tree views in the side bar: label and description as shown. */
  async sideBarRows(): Promise<{ label: string; description: string }[]> {
    return this.page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
      })),
    );
  }

  /** Waits until a side-bar row's description matches; answers all rows then. */
  async waitForSideBarRow(description: RegExp, timeout = 30_000): Promise<{ label: string; description: string }[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await this.sideBarRows();
      if (rows.some((r) => description.test(r.description))) return rows;
      if (Date.now() > deadline) {
        throw new Error(`no side-bar row described ${description}; rows: ${rows.map((r) => `${r.label} — ${r.description}`).join(' | ') || '(none)'}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  /**
   * The webview frame holding `selector` (and `text`, if given), waiting for it to appear.
   * VS Code renders each webview in an iframe inside an iframe; the inner one holds our page.
   */
  async webviewFrame(selector: string, options: { text?: RegExp; timeout?: number } = {}): Promise<Frame> {
    const deadline = Date.now() + (options.timeout ?? 60_000);
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const handle = await frame.$(selector).catch(() => null);
        if (!handle) continue;
        if (!options.text || options.text.test((await handle.textContent().catch(() => '')) ?? '')) return frame;
      }
      if (Date.now() > deadline) {
        throw new Error(`no webview shows ${selector}${options.text ? ` with text ${options.text}` : ''} within ${options.timeout ?? 60_000} ms`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  /** Waits until `predicate` holds for the text of a webview element; answers that text. */
  async waitForWebviewText(selector: string, predicate: RegExp, timeout = 60_000): Promise<string> {
    const frame = await this.webviewFrame(selector, { text: predicate, timeout });
    return (await frame.locator(selector).first().textContent()) ?? '';
  }
}
