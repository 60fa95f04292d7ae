// Which Chromium the browser tests drive, found without a manual step: $CHROMIUM_PATH, then a
// browser playwright has already downloaded, then the one shipped inside the @sparticuz/chromium
// npm package (a devDependency; Linux x64/arm64, unpacked to the temp folder on first use), then
// the system's.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Executables inside playwright's browser cache, newest build first. */
function playwrightCache(): string[] {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(cache)) return [];
  const builds = readdirSync(cache).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d)).sort().reverse();
  const inside = ['chrome-linux/chrome', 'chrome-linux/headless_shell', 'chrome-headless-shell-linux64/chrome-headless-shell', 'chrome-linux64/chrome'];
  return builds.flatMap((b) => inside.map((p) => join(cache, b, p)));
}

async function npmChromium(): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const sparticuz = require('@sparticuz/chromium') as { executablePath(): Promise<string> };
    return await sparticuz.executablePath();
  } catch {
    return undefined;
  }
}

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export async function findChromium(): Promise<string> {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given}: no such file`);
    return given;
  }
  const cached = playwrightCache().find((p) => existsSync(p));
  if (cached) return cached;
  const shipped = await npmChromium();
  if (shipped && existsSync(shipped)) return shipped;
  const system = SYSTEM.find((p) => existsSync(p));
  if (system) return system;
  throw new Error('no Chromium found: set CHROMIUM_PATH, or run `npx playwright install chromium`');
}
