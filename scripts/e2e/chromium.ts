// Debian's Chromium, headless, with the flags this machine needs: without the networking switches
// it keeps dialling hosts the closed network refuses (see shared notes, environment.md).
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './prerequisites';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found at /usr/bin/chromium (or $CHROMIUM_PATH): apt-get install -y chromium');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
