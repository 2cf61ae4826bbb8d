// At most one call per interval, always ending with the latest: batch progress arrives far more
// often than a panel needs to redraw, but the last state must never be dropped.
export interface Throttled {
  (): void;
  /** Runs a pending call now. */
  flush(): void;
  dispose(): void;
}

export function throttle(fn: () => void, intervalMs: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  let last = -Infinity;
  const run = (): void => {
    timer = undefined;
    pending = false;
    last = Date.now();
    fn();
  };
  const call = (() => {
    pending = true;
    if (timer) return;
    const wait = last + intervalMs - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  }) as Throttled;
  call.flush = () => {
    if (timer) clearTimeout(timer);
    if (pending) run();
    else timer = undefined;
  };
  call.dispose = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending = false;
  };
  return call;
}
