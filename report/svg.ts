/**
 * Runs report/render-svg.mjs in its own Node process: vega, vega-lite and @terrastruct/d2 are ES modules
 * only, and a child process loads them the same way under tsx, jest (SWC/CommonJS) and compiled JS.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export interface SvgJob {
  readonly charts: { readonly id: string; readonly spec: object }[];
  readonly diagrams: { readonly id: string; readonly source: string }[];
}

export interface SvgResult {
  readonly charts: Record<string, string>;
  readonly diagrams: Record<string, string>;
  readonly timings: { readonly chartsMs?: number; readonly diagramsMs?: number };
}

export const RENDERER = path.join(__dirname, 'render-svg.mjs');

export function renderSvgs(job: SvgJob, timeoutMs = 300_000): SvgResult {
  const child = spawnSync(process.execPath, [RENDERER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  if (child.error) throw new Error(`rendering the report's charts and diagrams failed: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`rendering the report's charts and diagrams failed (exit ${child.status}):\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as SvgResult;
}
