// The Debian packages the tests need (scripts/debian-packages.txt): which are missing, and, as
// root with apt-get, installing them, so `npm test` on a fresh Debian machine needs nothing first.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const listFile = new URL('debian-packages.txt', import.meta.url);

/** @returns {{ name: string, why: string }[]} */
export function debianPackages() {
  return readFileSync(listFile, 'utf8')
    .split('\n')
    .map((line) => {
      const hash = line.indexOf('#');
      const name = (hash < 0 ? line : line.slice(0, hash)).trim();
      return { name, why: hash < 0 ? '' : line.slice(hash + 1).trim() };
    })
    .filter((p) => p.name !== '');
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function isInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().endsWith(' installed');
}

/**
 * Checks the list and installs what is missing when it can. Returns false (after saying what to
 * run) when packages are missing and this process cannot install them.
 */
export function ensureDebianPackages(log = console.log) {
  if (!hasCommand('dpkg-query')) {
    log(`Not a Debian machine (no dpkg-query): skipping the package check. The tests expect: ${debianPackages().map((p) => p.name).join(' ')}`);
    return true;
  }
  const missing = debianPackages().filter((p) => !isInstalled(p.name));
  if (missing.length === 0) return true;
  const names = missing.map((p) => p.name);
  const command = `apt-get update && apt-get install -y ${names.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && hasCommand('apt-get');
  log(`The tests need ${missing.length} Debian package(s) that are not installed:`);
  for (const p of missing) log(`  - ${p.name}${p.why ? `: ${p.why}` : ''}`);
  if (!canInstall) {
    log(`Install them as root, then run the tests again:\n  ${command}`);
    return false;
  }
  log(`Installing them (running as root): ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...names]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${r.status ?? r.signal}); run it by hand:\n  ${command}`);
      return false;
    }
  }
  const still = names.filter((name) => !isInstalled(name));
  if (still.length > 0) {
    log(`Still not installed after apt-get: ${still.join(' ')}`);
    return false;
  }
  return true;
}
