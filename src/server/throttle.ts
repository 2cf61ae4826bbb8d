/** Lets an event through at most once per interval, and always when forced (the last batch of an epoch). */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  due(force = false, now = Date.now()): boolean {
    if (!force && now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
