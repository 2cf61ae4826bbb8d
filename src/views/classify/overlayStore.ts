// Where the training process writes Grad-CAM PNGs for the panel: one fresh folder per request,
// so the webview never shows a stale cached file. Global storage is shared by every VS Code
// window, so each window (extension host process) keeps its folders in its own subfolder and
// removes only those, plus the subfolders of windows that have closed.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** A subfolder whose owner cannot be told apart (an older layout) is removed once this old. */
const STALE_MS = 24 * 3600_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class OverlayStore {
  /** This window's own subfolder. */
  readonly root: string;

  constructor(
    readonly base: string,
    owner = `window-${process.pid}`,
  ) {
    this.root = join(base, owner);
  }

  async newFolder(): Promise<string> {
    const dir = join(this.root, `${Date.now()}-${randomBytes(3).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes every request folder of this window but `dir` (the one the panel shows now), and what closed windows left. */
  async keepOnly(dir: string): Promise<void> {
    const keep = basename(dir);
    const own = await readdir(this.root).catch(() => [] as string[]);
    await Promise.all(own.filter((n) => n !== keep).map((n) => rm(join(this.root, n), { recursive: true, force: true }).catch(() => undefined)));
    const mine = basename(this.root);
    const others = await readdir(this.base).catch(() => [] as string[]);
    await Promise.all(
      others
        .filter((n) => n !== mine)
        .map(async (n) => {
          const pid = /^window-(\d+)$/.exec(n)?.[1];
          const gone = pid !== undefined ? !processAlive(Number(pid)) : Date.now() - (await stat(join(this.base, n))).mtimeMs > STALE_MS;
          if (gone) await rm(join(this.base, n), { recursive: true, force: true });
        })
        .map((p) => p.catch(() => undefined)),
    );
  }
}
