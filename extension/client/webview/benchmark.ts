/**
 * Runs inside the benchmark webview (bundled to dist/webview/benchmark.js): renders the rows the
 * extension posts as a table and a uPlot chart, and asks the extension to export them.
 */
import type { BenchmarkRow } from '../../protocol';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
/** uPlot's IIFE build defines this global (dist/webview/uPlot.iife.min.js). */
declare const uPlot: new (options: object, data: (number | null)[][], target: HTMLElement) => unknown;

const vscodeApi = acquireVsCodeApi();

window.addEventListener('message', (event: MessageEvent<{ type: 'rows'; rows: BenchmarkRow[] }>) => {
  if (event.data.type !== 'rows') return;
  renderTable(event.data.rows);
  renderPlot(event.data.rows);
});
document.getElementById('export-csv')!.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'csv' }));
document.getElementById('export-json')!.addEventListener('click', () => vscodeApi.postMessage({ type: 'export', format: 'json' }));
vscodeApi.postMessage({ type: 'ready' });

const HEADERS = ['kernel', 'provider', 'adapter', 'dtype', 'shape', 'status', 'median ms', 'p10–p90 ms', 'rel. error'];

function renderTable(rows: readonly BenchmarkRow[]): void {
  const table = document.getElementById('results') as HTMLTableElement;
  const head = table.createTHead().insertRow();
  for (const h of HEADERS) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const r of rows) {
    const s = r.shape;
    const cells = [r.kernel, r.provider, r.adapter, r.dtype, `B${s.batch} H${s.heads} Lq${s.seqQ} Lkv${s.seqKv} D${s.headDim}`,
      r.reason === undefined ? r.status : `${r.status}: ${r.reason}`, fixed(r.medianMs, 3), fixed(r.spreadMs, 3), r.relError === null ? '—' : r.relError.toExponential(1)];
    const tr = body.insertRow();
    tr.className = r.status;
    for (const c of cells) tr.insertCell().textContent = c;
  }
}

function fixed(v: number | null, digits: number): string {
  return v === null ? '—' : v.toFixed(digits);
}

/** x: query length; one series per kernel·provider of the measured (status ok) rows. */
function renderPlot(rows: readonly BenchmarkRow[]): void {
  const ok = rows.filter((r) => r.status === 'ok' && r.medianMs !== null);
  const xs = [...new Set(ok.map((r) => r.shape.seqQ))].sort((a, b) => a - b);
  const names = [...new Set(ok.map((r) => `${r.kernel} · ${r.provider}`))];
  const data = [xs, ...names.map((name) => xs.map((x) => ok.find((r) => `${r.kernel} · ${r.provider}` === name && r.shape.seqQ === x)?.medianMs ?? null))];
  const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
  const target = document.getElementById('plot')!;
  new uPlot({
    width: Math.max(360, Math.min(900, target.clientWidth || 720)), height: 320,
    scales: { x: { time: false, distr: 3, log: 2 }, y: { distr: 3, log: 10 } },
    axes: [{ label: 'sequence length', stroke: '#888' }, { label: 'median latency (ms)', stroke: '#888' }],
    series: [{ label: 'L' }, ...names.map((label, i) => ({ label, stroke: palette[i % palette.length], width: 2, points: { show: true } }))],
  }, data, target);
}
