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

/**
 * V8 flags of the renderer. `--liftoff-only`: D2 is a 22 MB WebAssembly module run for a few seconds; V8's
 * optimizing tier compiled it in background threads that the process then waited for at exit (14 s wall and
 * 17 s CPU for the five diagrams of a report here, 4 s and 4 s with the baseline compiler only), and the SVGs
 * are byte-identical either way.
 */
export const RENDERER_NODE_FLAGS = ['--liftoff-only'] as const;

export function renderSvgs(job: SvgJob, timeoutMs = 300_000): SvgResult {
  const child = spawnSync(process.execPath, [...RENDERER_NODE_FLAGS, RENDERER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  if (child.error) throw new Error(`rendering the report's charts and diagrams failed: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`rendering the report's charts and diagrams failed (exit ${child.status}):\n${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as SvgResult;
}
