// Loads a built webview bundle (dist/webview/<name>.js) in real headless Chromium, the way VS Code
// hosts it: a page with a strict CSP and a nonce, the theme variables on <html>, the theme class
// on <body>, and a stand-in for acquireVsCodeApi that records what the page posts. Tests then
// dispatch host messages into the page and look at what a user would see. The CSP is the
// panels' own (src/views/webviewHtml.ts).
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/e2e/chromium';
import { contentSecurityPolicy } from '../../src/views/webviewHtml';
import { DEFAULT_WEBVIEW_CSS, THEMES, type ThemeKind } from './vscodeThemes';

export const ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');
/** Origin the page is served from; stands in for webview.cspSource. */
export const ORIGIN = 'https://webview.test';


export async function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

export interface WebviewOptions {
  theme?: ThemeKind;
  width?: number;
  height?: number;
  /** What getState() returns at load, as after a reload of the panel. */
  savedState?: unknown;
  /** Extra files served under ORIGIN, by path ('/img/a.png'). */
  files?: Record<string, Buffer>;
}

export interface WebviewHarness {
  page: Page;
  /** Messages the page posted to the host so far. */
  posted(): Promise<{ method: string; params: unknown }[]>;
  /** Waits for the page to post a message with this method and returns its params. */
  waitForPosted<P = unknown>(method: string): Promise<P>;
  /** Delivers a host -> webview message. */
  dispatch(message: unknown): Promise<void>;
  /** Switches theme the way VS Code does: new variables on <html>, new class on <body>. */
  setTheme(kind: ThemeKind): Promise<void>;
  /** Content-Security-Policy violations the page reported. */
  cspViolations(): Promise<string[]>;
  /** Dialogs (alert, confirm) the page opened: none may ever appear. */
  dialogs: string[];
  /** Errors thrown in the page. */
  pageErrors: string[];
  screenshot(fileName: string): Promise<string>;
  close(): Promise<void>;
}

const NONCE = 'harnessNonce0123456789abcdef';

function pageHtml(name: string, theme: ThemeKind, savedState: unknown): string {
  const t = THEMES[theme];
  // The stand-in runs before the bundle; it sets the theme variables as VS Code's host does.
  const standIn = `
    window.__posted = [];
    window.__state = ${JSON.stringify(savedState ?? null)} ?? undefined;
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : '')));
    const vars = ${JSON.stringify(t.vars)};
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return Object.freeze({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; return s; },
      });
    };`;
  // VS Code puts its default styles ahead of the page's own CSP meta, so they are not blocked.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<style id="_defaultStyles">${DEFAULT_WEBVIEW_CSS}</style>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(ORIGIN, NONCE)}">
<meta property="csp-nonce" content="${NONCE}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${name}</title>
</head>
<body class="${t.bodyClass}" data-vscode-theme-kind="${t.bodyClass}" data-vscode-theme-name="${t.name}">
<script nonce="${NONCE}">${standIn}</script>
<main id="root"></main>
<script nonce="${NONCE}" src="${ORIGIN}/dist/webview/${name}.js"></script>
</body>
</html>`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.css': 'text/css',
};

export async function openWebview(browser: Browser, name: string, opts: WebviewOptions = {}): Promise<WebviewHarness> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const files = opts.files ?? {};
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: pageHtml(name, opts.theme ?? 'light', opts.savedState) });
    const extra = files[decodeURIComponent(url.pathname)];
    if (extra) return route.fulfill({ contentType: CONTENT_TYPES[extname(url.pathname)] ?? 'application/octet-stream', body: extra });
    if (url.pathname.startsWith('/dist/webview/')) {
      const body = await readFile(join(ROOT, url.pathname)).catch(() => undefined);
      if (body) return route.fulfill({ contentType: CONTENT_TYPES[extname(url.pathname)] ?? 'text/plain', body });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);

  return {
    page,
    dialogs,
    pageErrors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: { method: string; params: unknown }[] }).__posted),
    async waitForPosted<P>(method: string): Promise<P> {
      const handle = await page.waitForFunction(
        (m) => (window as unknown as { __posted: { method: string; params: unknown }[] }).__posted.find((x) => x.method === m),
        method,
      );
      return ((await handle.jsonValue()) as { params: P }).params;
    },
    dispatch: (message) =>
      page.evaluate((m) => {
        window.dispatchEvent(new MessageEvent('message', { data: m }));
      }, message),
    setTheme: (kind) =>
      page.evaluate((t) => {
        for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
        document.body.className = t.bodyClass;
        document.body.setAttribute('data-vscode-theme-kind', t.bodyClass);
        document.body.setAttribute('data-vscode-theme-name', t.name);
      }, THEMES[kind]),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    async screenshot(fileName: string): Promise<string> {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, fileName);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

/** Waits until the page has rendered everything queued (two animation frames). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Pixels of a canvas that differ from its corner (background) colour. */
export async function inkPixels(page: Page, selector: string): Promise<{ ink: number; total: number }> {
  return page.$eval(selector, (node) => {
    const canvas = node as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const [r0, g0, b0, a0] = [data[0], data[1], data[2], data[3]];
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i]! - r0!) + Math.abs(data[i + 1]! - g0!) + Math.abs(data[i + 2]! - b0!) + Math.abs(data[i + 3]! - a0!) > 24) ink++;
    }
    return { ink, total: data.length / 4 };
  });
}
