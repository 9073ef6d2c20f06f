// Renders the report's charts (Vega-Lite → Vega → SVG) and diagrams (D2 → SVG) in Node, without a browser.
// vega, vega-lite and @terrastruct/d2 are ES modules only, so this runs as its own Node process
// (report/svg.ts starts it): that works the same under the CLI (tsx), jest (SWC, CommonJS) and compiled JS.
// Input on stdin: { charts: [{ id, spec }], diagrams: [{ id, source }] }. Output on stdout: { charts: { id: svg }, diagrams: { id: svg } }.
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const result = { charts: {}, diagrams: {}, timings: {} };

// Charts and diagrams at the same time: D2 lays out in a worker thread of its own, so on two cores the
// diagrams cost little more than the charts.
async function renderCharts() {
  if (!input.charts?.length) return;
  const t0 = performance.now();
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  for (const { id, spec } of input.charts) {
    const compiled = vegaLite.compile(spec).spec;
    // renderer 'none' + toSVG: no canvas, no DOM, no network (the data is inline in the spec).
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: vega.loader({ mode: 'file' }) });
    result.charts[id] = await view.toSVG();
    view.finalize();
  }
  result.timings.chartsMs = performance.now() - t0;
}

async function renderDiagrams() {
  if (!input.diagrams?.length) return;
  const t0 = performance.now();
  const { D2 } = await import('@terrastruct/d2');
  const d2 = new D2();
  for (const { id, source } of input.diagrams) {
    const compiled = await d2.compile(source, { layout: 'dagre' });
    result.diagrams[id] = await d2.render(compiled.diagram, { ...compiled.renderOptions, noXMLTag: true, pad: 20 });
  }
  result.timings.diagramsMs = performance.now() - t0;
}

await Promise.all([renderDiagrams(), renderCharts()]);

// Exit once the output is flushed (a pipe takes large writes in pieces); the D2 worker thread would keep the process alive.
process.stdout.write(JSON.stringify(result), () => process.exit(0));
