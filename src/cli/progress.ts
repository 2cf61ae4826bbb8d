// One-line progress bars redrawn in place on a terminal; nothing at all when output goes to a file or pipe.
import type { WriteStream } from 'node:tty';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ProgressLine {
  private lastDraw = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return Boolean((this.stream as WriteStream).isTTY);
  }

  /** Redraws `label [=====>    ] suffix`, at most ~15 times a second unless `force`. */
  update(label: string, done: number, total: number, suffix = '', force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && done < total && now - this.lastDraw < 66) return;
    this.lastDraw = now;
    const columns = (this.stream as WriteStream).columns || 80;
    const width = Math.max(10, Math.min(30, columns - label.length - suffix.length - 6));
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === width ? '=' : '>') : '') + ' '.repeat(width - filled);
    const line = `${label} [${bar}] ${suffix}`.slice(0, columns - 1);
    this.stream.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  /** Erases the bar so the next ordinary line starts clean. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
