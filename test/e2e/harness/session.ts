// One scenario's world: a fresh code-server (own extensions and user-data folders, the .vsix
// installed) serving a workspace, and a Chromium page on its workbench. On failure the page's
// HTML, the browser console, code-server's output and the extension host logs are kept under
// test-artifacts/e2e/ beside the scenario's screenshot.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/e2e/chromium';
import { installExtension, logFiles, startCodeServer, writeUserSettings, type RunningServer } from '../../../scripts/e2e/server';
import { acquireSessionLock, artifactsDir, prepare } from './setup';
import { Workbench } from './workbench';

// An interrupted run (Ctrl+C, the runner's SIGTERM) still goes through process 'exit', where
// the servers' process groups are killed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}
const liveRoots = new Set<string>();
process.on('exit', () => {
  for (const root of liveRoots) rmSync(root, { recursive: true, force: true });
});

export interface SessionOptions {
  /** Artifact name: test-artifacts/e2e/<scenario>.png and friends. */
  scenario: string;
  /** Fills the workspace folder before code-server starts. */
  workspace: (folder: string) => Promise<void> | void;
}

export class Session {
  readonly console: string[] = [];
  private constructor(
    readonly scenario: string,
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly server: RunningServer,
    readonly browser: Browser,
    readonly page: Page,
    readonly workbench: Workbench,
    readonly timings: Record<string, number>,
  ) {}

  static async start(options: SessionOptions): Promise<Session> {
    let t = Date.now();
    const { codeServerDir, vsix } = prepare();
    const timings: Record<string, number> = { prepare: (Date.now() - t) / 1000 };
    t = Date.now();
    const lap = (name: string): void => {
      timings[name] = (Date.now() - t) / 1000;
      t = Date.now();
    };
    const root = mkdtempSync(join(tmpdir(), `fracture-e2e-${options.scenario}-`));
    liveRoots.add(root);
    const workspace = join(root, 'workspace');
    const dirs = { extensionsDir: join(root, 'extensions'), userDataDir: join(root, 'user-data') };
    let server: RunningServer;
    try {
      mkdirSync(workspace, { recursive: true });
      await options.workspace(workspace);
      lap('workspace');
      writeUserSettings(dirs.userDataDir);
      installExtension(codeServerDir, vsix, dirs);
      lap('install');
      server = await startCodeServer(codeServerDir, workspace, dirs, join(root, 'code-server.log'));
      lap('serve');
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const session = new Session(options.scenario, root, workspace, dirs.userDataDir, server, browser, page, new Workbench(page), timings);
      page.on('console', (m) => session.console.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => session.console.push(`[pageerror] ${e.message}`));
      await page.goto(server.url);
      await session.workbench.waitReady();
      // Our activity-bar entry shows once the extension host has read the installed extension.
      await session.workbench.waitForViewContainer('Fracture CNN');
      lap('workbench');
      return session;
    } catch (err) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  async screenshot(suffix = ''): Promise<string> {
    mkdirSync(artifactsDir, { recursive: true });
    const file = join(artifactsDir, `${this.scenario}${suffix}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Keeps what explains a failure: page HTML, screenshot, browser console, code-server output, extension host logs. */
  async saveFailure(error: unknown): Promise<void> {
    mkdirSync(artifactsDir, { recursive: true });
    const base = join(artifactsDir, `${this.scenario}-failure`);
    await this.page.screenshot({ path: `${base}.png` }).catch(() => undefined);
    const html = await this.page.content().catch((e: Error) => `<!-- page.content() failed: ${e.message} -->`);
    writeFileSync(`${base}.html`, html);
    const frames = await Promise.all(
      this.page.frames().map(async (f) => `<!-- frame ${f.url()} -->\n${await f.content().catch(() => '(unreadable)')}`),
    );
    writeFileSync(`${base}-frames.html`, frames.join('\n\n'));
    writeFileSync(`${base}-console.log`, `${String(error instanceof Error ? error.stack : error)}\n\n${this.console.join('\n')}\n`);
    const logs = `${base}-logs`;
    rmSync(logs, { recursive: true, force: true });
    mkdirSync(logs, { recursive: true });
    cpSync(this.server.logFile, join(logs, basename(this.server.logFile)));
    for (const file of logFiles(this.userDataDir)) {
      const dest = join(logs, relative(join(this.userDataDir, 'logs'), file));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(file, dest);
    }
  }

  /** The extension host's log (activation and errors of every extension). */
  extensionHostLog(): string {
    return logFiles(this.userDataDir)
      .filter((f) => basename(f) === 'remoteexthost.log' || basename(f) === 'exthost.log')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** Waits until the extension host has activated an extension; throws with the log if activation failed. */
  async waitForActivation(extensionId: string, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const log = this.extensionHostLog();
      const failed = log.split('\n').find((l) => l.includes(`Activating extension '${extensionId}' failed`));
      if (failed) throw new Error(`activation failed: ${failed}`);
      if (log.includes(`_doActivateExtension ${extensionId},`)) return;
      if (Date.now() > deadline) throw new Error(`${extensionId} was not activated within ${timeout / 1000} s`);
      await this.page.waitForTimeout(250);
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    rmSync(this.root, { recursive: true, force: true });
    liveRoots.delete(this.root);
  }
}

/** Runs a scenario body in a fresh session; saves failure artifacts, always cleans up, prints timings. */
export async function withSession(options: SessionOptions, body: (s: Session) => Promise<void>): Promise<void> {
  const waitStart = Date.now();
  const release = await acquireSessionLock();
  const lockWait = (Date.now() - waitStart) / 1000;
  try {
    const session = await Session.start(options);
    if (lockWait > 1) session.timings.lockWait = lockWait;
    let t = Date.now();
    try {
      await body(session);
    } catch (err) {
      await session.saveFailure(err);
      throw err;
    } finally {
      session.timings.scenario = (Date.now() - t) / 1000;
      t = Date.now();
      await session.close();
      session.timings.close = (Date.now() - t) / 1000;
      console.log(`# ${options.scenario} timings (s): ${JSON.stringify(session.timings)}`);
    }
  } finally {
    release();
  }
}
