/**
 * Opens a report in headless Chromium (Debian's `chromium` package, driven by puppeteer-core: no browser
 * download) and reports what a reader's browser would see: console errors, every network request, and
 * the SVG marks of each chart and diagram.
 */
import { spawnSync } from 'child_process';
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
  readonly charts: {
    readonly id: string;
    readonly expected: Record<string, number>;
    readonly marks: Record<string, number>;
    readonly tableRows: number;
    readonly expectedRows: number;
    readonly svgs: number;
    /** Text labels the chart draws as marks, and the pairs whose drawn boxes overlap. */
    readonly labels: number;
    readonly overlappingLabels: [string, string][];
  }[];
  readonly diagrams: { readonly stage: string; readonly expectedShapes: number; readonly shapes: number; readonly texts: number }[];
  readonly title: string;
  /** The page on a 1280-px laptop screen and printed on A4: what sticks out sideways, and the print page breaks. */
  readonly laptop: PageFit;
  readonly print: PageFit;
}

export interface PageFit {
  readonly width: number;
  readonly scrollWidth: number;
  /** Charts, diagrams, tables or text whose right edge passes the page's (chart or diagram id, else the tag). */
  readonly wider: string[];
  /** break-before of the architecture heading and of each stage section after the first; break-inside of each chart and diagram. */
  readonly stageBreaks: string[];
  readonly chartBreaks: string[];
}

const INSPECTOR = path.join(__dirname, 'inspect-report.mjs');

/** Opens `file`, collects what the page did, and saves a screenshot to `screenshot` (full page unless viewportOnly). */
export function inspectReport(file: string, screenshot: string, options: { width?: number; height?: number; scale?: number; viewportOnly?: boolean } = {}): PageReport {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_INSTALL);
  const args = [INSPECTOR, file, screenshot, executablePath, String(options.width ?? 1360), options.viewportOnly ? '--viewport-only' : '--full-page', String(options.height ?? 900), String(options.scale ?? 1)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`the browser run failed (exit ${child.status}${child.error ? `, ${child.error.message}` : ''}):\n${child.stderr}`);
  return JSON.parse(child.stdout) as PageReport;
}
