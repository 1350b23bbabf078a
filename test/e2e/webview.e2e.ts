import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { BenchmarkRow } from '../../extension/protocol';
import { ROOT } from './code-server';

const WEBVIEW = path.join(ROOT, 'dist/webview');
const ROWS: BenchmarkRow[] = [128, 256, 512].flatMap((seq) => ['math', 'fused'].map((kernel): BenchmarkRow => ({
  kernel, provider: 'wasm', adapter: 'WASM', dtype: 'float32', shape: { batch: 1, heads: 8, kvHeads: 8, seqQ: seq, seqKv: seq, headDim: 64 },
  status: 'ok', medianMs: (kernel === 'math' ? 2 : 1) * (seq / 128) ** 2, spreadMs: 0.1, relError: 1e-7,
})));

/** The built webview script in chromium, with VS Code's webview API recorded instead of a host. */
describe('e2e: benchmark webview script in chromium', function () {
  this.timeout(60000);
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => browser?.close());

  it('renders the rows as a table and a uPlot chart, and asks the host to export', async () => {
    const html = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-webview-')), 'index.html');
    fs.writeFileSync(html, `<!DOCTYPE html><html><head><link rel="stylesheet" href="${WEBVIEW}/uPlot.min.css"></head><body>
<button id="export-csv">CSV</button><button id="export-json">JSON</button><div id="plot"></div><table id="results"></table>
<script src="${WEBVIEW}/uPlot.iife.min.js"></script><script src="${WEBVIEW}/benchmark.js"></script></body></html>`);
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const posted: unknown[] = [];
      Object.assign(window, { posted, acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(m) }) });
    });
    await page.goto(`file://${html}`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted), [{ type: 'ready' }]);
    await page.evaluate((rows) => window.postMessage({ type: 'rows', rows }, '*'), ROWS);
    await page.waitForSelector('table#results tbody tr');
    assert.deepEqual(await page.locator('table#results tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent))), ROWS.map((r) => [
      r.kernel, 'wasm', 'WASM', 'float32', `B1 H8 Lq${r.shape.seqQ} Lkv${r.shape.seqKv} D64`, 'ok', r.medianMs!.toFixed(3), '0.100', '1.0e-7',
    ]));
    assert.equal(await page.locator('#plot canvas').count(), 1);
    assert.deepEqual(await page.locator('.u-legend .u-series th').allTextContents(), ['L', 'math · wasm', 'fused · wasm']);
    await page.click('#export-csv');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted.at(-1)), { type: 'export', format: 'csv' });
  });
});
