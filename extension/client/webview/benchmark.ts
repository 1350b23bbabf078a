/**
 * Runs inside the benchmark webview (bundled to dist/webview/benchmark.js): draws the view the
 * extension posts (benchmark-view.ts computes it), replacing the last one, and asks the extension to
 * export the rows.
 */
import type { BenchmarkView, PlotData, ToWebview } from '../benchmark-view';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
/** uPlot's IIFE build defines this global (dist/webview/uPlot.iife.min.js). */
declare const uPlot: new (options: object, data: (readonly (number | null)[])[], target: HTMLElement) => unknown;

const vscodeApi = acquireVsCodeApi();
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data.type === 'view') render(event.data.view);
});
document.getElementById('export-csv')!.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'csv' }));
document.getElementById('export-json')!.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'json' }));
vscodeApi.postMessage({ type: 'ready' });

function render(view: BenchmarkView): void {
  document.title = view.title;
  document.getElementById('title')!.textContent = view.title;
  line('notice', view.notice, null);
  line('unavailable', view.unavailable?.text ?? null, view.unavailable?.detail ?? null);
  renderTable(view);
  renderPlot(view.plot);
}

function line(id: string, text: string | null, tooltip: string | null): void {
  const element = document.getElementById(id)!;
  element.hidden = text === null;
  element.textContent = text ?? '';
  element.title = tooltip ?? '';
}

function renderTable(view: BenchmarkView): void {
  const table = document.getElementById('results') as HTMLTableElement;
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of view.headers) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const row of view.rows) {
    const tr = body.insertRow();
    tr.className = row.status;
    for (const c of row.cells) tr.insertCell().textContent = c;
  }
}

function renderPlot(plot: PlotData): void {
  const target = document.getElementById('plot')!;
  target.replaceChildren();
  if (plot.series.length === 0) return;
  new uPlot({
    width: Math.max(360, Math.min(900, target.clientWidth || 720)), height: 320,
    scales: { x: { time: false, distr: 3, log: 2 }, y: { distr: 3, log: 10 } },
    axes: [{ label: plot.xLabel, stroke: '#888' }, { label: 'median latency (ms)', stroke: '#888' }],
    // spanGaps: a series has no value at another series' lengths; its own points are still one line.
    series: [{ label: 'L' }, ...plot.series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true }, spanGaps: true }))],
  }, [plot.xs, ...plot.series.map((s) => s.values)], target);
}
