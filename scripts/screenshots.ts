/**
 * `npm run screenshots` — regenerates docs/review-queue.png and docs/review-item.png from the real
 * app: a generated book run through the stand-in, the web app on a loopback port, Debian's
 * Chromium signed in as the rep with the most drafts. Everything it creates is removed after.
 */
import { launchChromium } from '../test/e2e/support/browser.ts';
import { signInLink, startTestWeb } from '../test/e2e/support/web.ts';
import { createReviewWorld } from '../test/support/review-world.ts';

const OUT = new URL('../docs/', import.meta.url);

async function main(): Promise<void> {
  process.stderr.write('screenshots: running a 120-account book through the stand-in …\n');
  const world = await createReviewWorld({ accounts: 120, seed: 3 });
  const web = await startTestWeb(world.deps.db, world.env.config);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(await signInLink(world.deps.db, web, { email: world.rep.email, name: world.rep.name, timeZone: 'Europe/Berlin' }));
    await page.locator('form[action="/signin"] button[type="submit"]').click();
    await page.waitForURL(`${web.url}/`);
    await page.screenshot({ path: new URL('review-queue.png', OUT).pathname, fullPage: false });
    await page.locator('[data-item-id] a').first().click();
    await page.waitForURL(/\/items\//);
    await page.screenshot({ path: new URL('review-item.png', OUT).pathname, fullPage: false });
    process.stderr.write('screenshots: wrote docs/review-queue.png and docs/review-item.png\n');
  } finally {
    await browser.close();
    await web.close();
    await world.cleanup();
  }
}

await main();
