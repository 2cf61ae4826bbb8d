// What the machine must provide before code-server can be built and driven by a browser.
// Each check names the missing piece and the Debian package that provides it, so a failing
// run says exactly what to install instead of failing deep inside node-gyp or Playwright.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface Missing {
  what: string;
  install: string;
}

/** Debian packages the tests need: the one list `npm test` checks and installs (scripts/debian.mjs). */
export function debianPackageNames(): string[] {
  return readFileSync(join(__dirname, '..', 'debian-packages.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((name) => name !== '');
}

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Folder holding include/node/node_api.h for the running node, so node-gyp never downloads headers. */
export function nodeHeadersDir(): string | undefined {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath)), '/usr'];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'include', 'node', 'node_api.h')));
}

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Tools and headers needed to build code-server's native modules. */
export function missingForCodeServerBuild(): Missing[] {
  const missing: Missing[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    missing.push({
      what: `node 20 (code-server 4.100.3 runs only on node 20; this is node ${process.versions.node})`,
      install: 'use a node 20 release (Debian bookworm: NodeSource node_20.x)',
    });
  }
  for (const [tool, pkg] of [['g++', 'g++'], ['make', 'make'], ['python3', 'python3'], ['pkg-config', 'pkg-config'], ['rg', 'ripgrep']]) {
    if (!onPath(tool)) missing.push({ what: `${tool} (on PATH)`, install: `apt-get install -y ${pkg}` });
  }
  const headers: [string, string][] = [
    ['/usr/include/krb5.h', 'libkrb5-dev'],
    ['/usr/include/X11/extensions/XKBfile.h', 'libxkbfile-dev'],
    ['/usr/include/libsecret-1', 'libsecret-1-dev'],
    ['/usr/include/X11/Xlib.h', 'libx11-dev'],
  ];
  for (const [file, pkg] of headers) {
    if (!existsSync(file)) missing.push({ what: `${file}`, install: `apt-get install -y ${pkg}` });
  }
  if (!nodeHeadersDir()) {
    missing.push({
      what: `node's C headers (include/node/node_api.h beside ${process.execPath})`,
      install: 'install node from a package that ships its headers (Debian nodejs / NodeSource do), or set npm_config_nodedir',
    });
  }
  return missing;
}

export function missingForBrowser(): Missing[] {
  return chromiumPath()
    ? []
    : [{ what: 'Chromium (/usr/bin/chromium, or set CHROMIUM_PATH)', install: 'apt-get install -y chromium' }];
}

export function describeMissing(missing: Missing[]): string {
  const lines = missing.map((m) => `  - ${m.what}: ${m.install}`);
  return [
    'The end-to-end tests cannot run: this machine is missing',
    ...lines,
    `Everything at once (as root): apt-get update && apt-get install -y ${debianPackageNames().join(' ')}`,
  ].join('\n');
}
