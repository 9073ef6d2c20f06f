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
    // Text labels whose drawn boxes overlap (axis labels and legends are Vega's to lay out; these are ours).
    const boxes = [...figure.querySelectorAll('.svg g.mark-text.role-mark text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
    const overlappingLabels = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      const overlap = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left) > 0.5 && Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top) > 0.5;
      if (overlap) overlappingLabels.push([a.text, b.text]);
    }));
    return { id: figure.getAttribute('data-chart'), expected, marks, tableRows: count(figure, 'details.data tbody tr'), expectedRows: Number(figure.getAttribute('data-table-rows')), svgs: count(figure, '.svg svg'), labels: boxes.length, overlappingLabels };
  });
  const diagrams = [...document.querySelectorAll('figure.diagram')].map((figure) => ({
    stage: figure.getAttribute('data-diagram'),
    expectedShapes: Number(figure.getAttribute('data-expected-shapes')),
    shapes: count(figure, 'g.shape'),
    texts: [...figure.querySelectorAll('text')].filter((t) => (t.textContent || '').includes('$')).length,
  }));
  return { charts, diagrams, title: document.title };
})()`;

// Runs in the page at a given width: does anything stick out sideways (a cut chart, a page that scrolls sideways)?
const FIT_PROBE = `(() => {
  const width = document.documentElement.clientWidth;
  const wider = [...document.querySelectorAll('figure .svg > svg, table, h1, h2, h3, p')]
    .map((element) => ({ element, box: element.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.right > width + 1)
    .map(({ element, box }) => (element.closest('[data-chart],[data-diagram]')?.getAttribute('data-chart') || element.closest('[data-diagram]')?.getAttribute('data-diagram') || element.tagName) + ' ' + Math.round(box.right) + 'px');
  const style = (selector, property) => [...document.querySelectorAll(selector)].map((element) => getComputedStyle(element)[property]);
  return { width, scrollWidth: document.documentElement.scrollWidth, wider, stageBreaks: style('#architecture, section.stage + section.stage', 'breakBefore'), chartBreaks: style('figure .svg', 'breakInside') };
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
  // A laptop (1280 px wide), then print on A4 (794 px at 96 dpi less the page margins): nothing may stick out.
  await page.setViewport({ width: 1280, height: 800 });
  const laptop = await page.evaluate(FIT_PROBE);
  await page.emulateMediaType('print');
  await page.setViewport({ width: 718, height: 1000 });
  const print = await page.evaluate(FIT_PROBE);
  process.stdout.write(JSON.stringify({ consoleErrors, requests, ...seen, laptop, print }));
} finally {
  await browser.close();
}
