// Opens a report in headless Chromium through puppeteer-core (an ES module, so it runs as its own Node
// process: scripts/browser.ts starts it) and prints what the page did as JSON on stdout.
// Usage: node scripts/inspect-report.mjs REPORT.html SCREENSHOT.png CHROMIUM [WIDTH] [--viewport-only] [HEIGHT] [SCALE]
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [file, screenshot, executablePath, width = '1360', mode = '', height = '900', scale = '1'] = process.argv.slice(2);

// Runs in the page: the marks of each chart (Vega draws one <path> per bar or symbol, one <line> per rule,
// one <text> per label, one <path> per line series) and the shapes of each diagram.
const PAGE_PROBE = `(() => {
  const count = (root, selector) => root.querySelectorAll(selector).length;
  const charts = [...document.querySelectorAll('figure.chart')].map((figure) => {
    const expected = Object.fromEntries((figure.getAttribute('data-expected-marks') || '').split(',').filter(Boolean).map((kv) => [kv.split(':')[0], Number(kv.split(':')[1])]));
    const marks = {};
    for (const kind of Object.keys(expected)) {
      const groups = [...figure.querySelectorAll('.svg g.' + kind + '.role-mark')];
      const element = kind === 'mark-text' ? 'text' : kind === 'mark-rule' ? 'line' : 'path';
      marks[kind] = groups.reduce((n, g) => n + g.querySelectorAll(element).length, 0);
    }
    return { id: figure.getAttribute('data-chart'), expected, marks, tableRows: count(figure, 'details.data tbody tr'), expectedRows: Number(figure.getAttribute('data-table-rows')), svgs: count(figure, '.svg svg') };
  });
  const diagrams = [...document.querySelectorAll('figure.diagram')].map((figure) => ({
    stage: figure.getAttribute('data-diagram'),
    expectedShapes: Number(figure.getAttribute('data-expected-shapes')),
    shapes: count(figure, 'g.shape'),
    texts: [...figure.querySelectorAll('text')].filter((t) => (t.textContent || '').includes('$')).length,
  }));
  return { charts, diagrams, title: document.title };
})()`;

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: Number(width), height: Number(height), deviceScaleFactor: Number(scale) });
  const consoleErrors = [];
  const requests = [];
  const url = `file://${path.resolve(file)}`;
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // data: URLs (the fonts D2 embeds in its SVGs) are part of the file, not requests to a network.
  page.on('request', (request) => {
    if (request.url() !== url && !request.url().startsWith('data:')) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  const seen = await page.evaluate(PAGE_PROBE);
  await page.screenshot({ path: screenshot, fullPage: mode !== '--viewport-only' });
  process.stdout.write(JSON.stringify({ consoleErrors, requests, ...seen }));
} finally {
  await browser.close();
}
