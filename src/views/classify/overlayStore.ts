// Where the training process writes Grad-CAM PNGs for the panel: one fresh folder per request
// under the extension's global storage, so the webview never shows a stale cached file.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

export class OverlayStore {
  constructor(readonly root: string) {}

  async newFolder(): Promise<string> {
    const dir = join(this.root, `${Date.now()}-${randomBytes(3).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes every request folder but `dir` (the one the panel shows now). */
  async keepOnly(dir: string): Promise<void> {
    const keep = basename(dir);
    const names = await readdir(this.root).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n !== keep).map((n) => rm(join(this.root, n), { recursive: true, force: true }).catch(() => undefined)));
  }
}
