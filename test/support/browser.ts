/**
 * Opens a report in headless Chromium (Debian's `chromium` package, driven by puppeteer-core: no browser
 * download) and reports what a reader's browser would see: console errors, every network request, and
 * the SVG marks of each chart and diagram.
 */
import * as fs from 'fs';
import * as path from 'path';

export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

export function findChromium(): string | undefined {
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
}

export const HOW_TO_INSTALL =
  'Chromium is not installed, so the report\'s browser test cannot run. Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) ' +
  'or point CHROMIUM_PATH at a Chrome/Chromium binary, then run `npx jest test/report-browser.test.ts`. In CI (CI=true) a missing browser fails the test.';

export interface PageReport {
  readonly consoleErrors: string[];
  readonly requests: string[];
  readonly charts: { readonly id: string; readonly expected: Record<string, number>; readonly marks: Record<string, number>; readonly tableRows: number; readonly expectedRows: number; readonly svgs: number }[];
  readonly diagrams: { readonly stage: string; readonly expectedShapes: number; readonly shapes: number; readonly texts: number }[];
  readonly title: string;
}

/** Runs in the page: the marks of each chart (Vega draws one <path> per bar or symbol, one <line> per rule, one <text> per label, one <path> per line series) and the shapes of each diagram. */
const PAGE_PROBE = `(() => {
  const count = (root, selector) => root.querySelectorAll(selector).length;
  const charts = [...document.querySelectorAll('figure.chart')].map((f) => {
    const expected = Object.fromEntries((f.getAttribute('data-expected-marks') || '').split(',').filter(Boolean).map((kv) => [kv.split(':')[0], Number(kv.split(':')[1])]));
    const marks = {};
    for (const kind of Object.keys(expected)) {
      const groups = [...f.querySelectorAll('.svg g.' + kind + '.role-mark')];
      const element = kind === 'mark-text' ? 'text' : kind === 'mark-rule' ? 'line' : 'path';
      marks[kind] = groups.reduce((n, g) => n + g.querySelectorAll(element).length, 0);
    }
    return { id: f.getAttribute('data-chart'), expected, marks, tableRows: count(f, 'details.data tbody tr'), expectedRows: Number(f.getAttribute('data-table-rows')), svgs: count(f, '.svg svg') };
  });
  const diagrams = [...document.querySelectorAll('figure.diagram')].map((f) => ({
    stage: f.getAttribute('data-diagram'),
    expectedShapes: Number(f.getAttribute('data-expected-shapes')),
    shapes: count(f, 'g.shape'),
    texts: [...f.querySelectorAll('text')].filter((t) => (t.textContent || '').includes('$')).length,
  }));
  return { charts, diagrams, title: document.title };
})()`;

/** Opens `file`, collects what the page did, and saves a screenshot to `screenshot` (full page). */
export async function inspectReport(file: string, screenshot: string, options: { width?: number; clip?: boolean } = {}): Promise<PageReport> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_INSTALL);
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: options.width ?? 1360, height: 900 });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = `file://${path.resolve(file)}`;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    // data: URLs (the fonts D2 embeds in its SVGs) are part of the file, not requests to a network.
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'networkidle0' });
    // A string, not a function: transpilers (tsx, SWC) add helpers to functions that do not exist in the page.
    const seen = (await page.evaluate(PAGE_PROBE)) as Omit<PageReport, 'consoleErrors' | 'requests'>;
    await page.screenshot({ path: screenshot as `${string}.png`, fullPage: !options.clip });
    return { consoleErrors, requests, ...seen };
  } finally {
    await browser.close();
  }
}
