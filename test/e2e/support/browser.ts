/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser). `.ci/run`
 * installs the `chromium` package; elsewhere set BOOKRUN_CHROMIUM to a Chromium binary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const given = process.env['BOOKRUN_CHROMIUM'];
  if (given) return given;
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error("no Chromium found: install Debian's `chromium` package (apt-get install chromium) or set BOOKRUN_CHROMIUM to a Chromium binary");
  return found;
}

export async function launchChromium(): Promise<Browser> {
  // No sandbox: CI runs as root, where Chromium refuses to start sandboxed.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
