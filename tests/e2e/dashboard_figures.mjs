// Opens the dashboard in headless Chromium (Debian's, through
// playwright-core), waits for the reports, and prints every figure it shows
// ([data-figure] elements) as JSON — for the organization given, and after
// clicking into its first child in the compliance table.
//   node dashboard_figures.mjs URL TOKEN YEAR [SCREENSHOT.png]
import { chromium } from 'playwright-core';

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
  const first = await page.$('#compliance-children a[data-drill]');
  const childId = await first.getAttribute('data-drill');
  await first.click();
  await page.waitForSelector(`body[data-loaded^="${childId}|"]`, { timeout: 30000 });
  const child = { loaded: await page.getAttribute('body', 'data-loaded'), figures: await figures() };
  console.log(JSON.stringify({ top, child, errors }));
} finally {
  await browser.close();
}
