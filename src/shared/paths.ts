// Path containment (no 'vscode' here, so it is unit tested): which folders a webview may load from.
import { isAbsolute, relative, resolve } from 'node:path';

/** True when `path` is `folder` or lies below it. */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
