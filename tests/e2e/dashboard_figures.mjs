// Opens the dashboard in headless Chromium (Debian's, through
// playwright-core), waits for the reports, and prints every figure it shows
// ([data-figure] elements) as JSON — for the organization given, and after
// clicking into its first child in the compliance table.
//   node dashboard_figures.mjs URL TOKEN YEAR [SCREENSHOT.png]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const [base, token, year, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/?year=${year}#token=${token}`);
  await page.waitForSelector('body[data-loaded]', { timeout: 30000 });
  const figures = async () => page.$$eval('[data-figure]', (els) =>
    Object.fromEntries(els.map((e) => [e.dataset.figure, e.textContent.trim()])));
  const top = { loaded: await page.getAttribute('body', 'data-loaded'), figures: await figures(),
    narrative: await page.textContent('#narrative') };
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  // Accessibility (axe-core: serious and critical), sideways scrolling at
  // 360 px, and the page at 390 and 1400 px.
  await page.evaluate(axeSource);  // evaluated, not a <script>: the CSP stays on
  const axe = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  await page.setViewportSize({ width: 360, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (screenshot) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-1400.png'), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 2000 });
  const first = await page.$('#compliance-children a[data-drill]');
  const childId = await first.getAttribute('data-drill');
  await first.click();
  await page.waitForSelector(`body[data-loaded^="${childId}|"]`, { timeout: 30000 });
  const child = { loaded: await page.getAttribute('body', 'data-loaded'), figures: await figures() };
  // Every view has its own URL: the drilled unit is in it, and back returns.
  const views = { drilled: new URL(page.url()).searchParams.get('org') };
  await page.goBack();
  await page.waitForSelector('body[data-loaded^="tinh|"]', { timeout: 30000 });
  views.back = await page.getAttribute('body', 'data-loaded');
  console.log(JSON.stringify({ top, child, errors, axe, wide, views }));
} finally {
  await browser.close();
}
