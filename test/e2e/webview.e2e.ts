import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { benchmarkHtml } from '../../extension/client/benchmark-html';
import { benchmarkView, type BenchmarkRun } from '../../extension/client/benchmark-view';
import type { BenchmarkRow, BenchShape } from '../../extension/protocol';
import { ROOT } from './code-server';

const WEBVIEW = path.join(ROOT, 'dist/webview');
const shape = (batch: number, seq: number): BenchShape => ({ batch, heads: 8, kvHeads: 8, seqQ: seq, seqKv: seq, headDim: 64 });
const ok = (kernel: string, s: BenchShape): BenchmarkRow => ({
  kernel, provider: 'wasm', adapter: 'WASM', dtype: 'float32', shape: s, status: 'ok', medianMs: (kernel === 'math' ? 2 : 1) * s.batch * (s.seqQ / 128) ** 2, spreadMs: 0.1, relError: 1e-7,
});
const NO_ADAPTER = 'webgpu: no WebGPU adapter (Dawn: no Vulkan device)';
const SWEEP: BenchmarkRun = {
  rows: [128, 256, 512].flatMap((seq) => ['math', 'fused'].flatMap((kernel): BenchmarkRow[] => [ok(kernel, shape(1, seq)),
    { ...ok(kernel, shape(1, seq)), provider: 'webgpu', adapter: 'none', status: 'skipped', medianMs: null, spreadMs: null, relError: null, reason: NO_ADAPTER }])),
  cancelled: false,
};
/** Typed shapes of two batch sizes, cancelled after three runs. */
const TYPED: BenchmarkRun = { rows: [ok('math', shape(1, 256)), ok('math', shape(2, 256)), ok('math', shape(1, 1024))], cancelled: true };

/** The built webview script on its page in chromium, with VS Code's webview API recorded instead of a host. */
describe('e2e: benchmark webview script in chromium', function () {
  this.timeout(60000);
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => browser?.close());

  const posted = (page: Page) => page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
  const table = (page: Page) => page.locator('table#results tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
  const legend = (page: Page) => page.locator('.u-legend .u-series th').allTextContents();

  it('draws each view in place of the last: title, unavailable providers, cancelled notice, table and one line per shape series', async () => {
    const html = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-webview-')), 'index.html');
    fs.writeFileSync(html, benchmarkHtml((name) => `${WEBVIEW}/${name}`, 'file:'));
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const sent: unknown[] = [];
      Object.assign(window, { posted: sent, acquireVsCodeApi: () => ({ postMessage: (m: unknown) => sent.push(m) }) });
    });
    await page.goto(`file://${html}`);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);

    await page.evaluate((view) => window.postMessage({ type: 'view', view }, '*'), benchmarkView(SWEEP));
    await page.waitForSelector('table#results tbody tr');
    assert.equal(await page.locator('#title').textContent(), 'Benchmark: B1 H8 D64 at L 128, 256, 512');
    assert.equal(await page.locator('#unavailable').textContent(), `Not measured on webgpu (${NO_ADAPTER.slice('webgpu: '.length)})`);
    assert.equal(await page.locator('#unavailable').getAttribute('title'), NO_ADAPTER);
    assert.equal(await page.locator('#notice').isVisible(), false);
    assert.deepEqual(await table(page), SWEEP.rows.filter((r) => r.provider === 'wasm').map((r) => [
      r.kernel, 'wasm', 'WASM', 'float32', `B1 H8 Lq${r.shape.seqQ} Lkv${r.shape.seqKv} D64`, 'ok', r.medianMs!.toFixed(3), '0.100', '1.0e-7',
    ]));
    assert.equal(await page.locator('#plot canvas').count(), 1);
    assert.deepEqual(await legend(page), ['L', 'math · wasm', 'fused · wasm']);

    // The next run reuses the page: everything is replaced, nothing added.
    await page.evaluate((view) => window.postMessage({ type: 'view', view }, '*'), benchmarkView(TYPED));
    await page.waitForFunction(() => document.querySelectorAll('table#results tbody tr').length === 3);
    assert.equal(await page.locator('#title').textContent(), 'Benchmark: B1 H8 D64 at L 256, 1024; B2 H8 L256 D64');
    assert.equal(await page.locator('#notice').textContent(), 'Cancelled: showing the 3 runs that finished first.');
    assert.equal(await page.locator('#unavailable').isVisible(), false);
    assert.equal(await page.locator('#plot canvas').count(), 1);
    assert.deepEqual(await legend(page), ['L', 'math · wasm · B1 H8 D64', 'math · wasm · B2 H8 D64']);

    await page.click('#export-csv');
    assert.deepEqual((await posted(page)).at(-1), { type: 'export', format: 'csv' });
  });
});
