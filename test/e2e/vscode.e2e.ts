import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { goToLine, openEditor, openFile, ROOT, runCommand, type Editor } from './code-server';

const IMAGES = path.join(ROOT, 'docs/images');
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'editor.minimap.enabled': false,
  'attnlens.inlayHints.enabled': true,
  // No GPU here: measure on WASM at once rather than probe for a WebGPU adapter.
  'attnlens.providers': ['wasm'],
};

/** The webview frame holding the benchmark table, once it has rows. */
async function benchmarkFrame(page: Page, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if ((await frame.locator('table#results tbody tr').count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error('no benchmark table appeared');
    await page.waitForTimeout(500);
  }
}

describe('e2e: VS Code (code-server) with the .vsix installed', function () {
  this.timeout(600000);
  let editor: Editor;
  before(async () => {
    fs.mkdirSync(IMAGES, { recursive: true });
    editor = await openEditor(path.join(ROOT, 'examples'), fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-vscode-')), USER_SETTINGS);
  });
  afterEach(async function () {
    // A failing step leaves a screenshot of what the editor showed, for the CI artifacts.
    if (this.currentTest?.state === 'failed') await editor?.page.screenshot({ path: path.join(ROOT, '.e2e', `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) });
  });
  after(async () => editor?.close());

  it('shows code lenses, Problems entries and the hover on examples/model.py', async () => {
    const { page } = editor;
    await openFile(page, 'model.py');
    // Lenses render only near the viewport: go to the flash_attn_func call first.
    await goToLine(page, '43:35');
    const lens = page.locator('.codelens-decoration', { hasText: 'infer' }).first();
    await lens.waitFor({ timeout: 120000 });
    assert.match(await lens.innerText(), /infer: /);
    await page.waitForSelector('.statusbar-item:has-text("Attn:")');

    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row[aria-label*="attnlens"], .markers-panel .monaco-list-row:has-text("attnlens")');
    await problems.first().waitFor({ timeout: 30000 });
    // The list is virtualised; the status bar's counts are exact: 3 errors (dtype-mismatch once for both paths), 1 warning, 2 infos.
    const counts = (await page.locator('#status\\.problems').innerText()).match(/\d+/g);
    assert.deepEqual(counts, ['3', '1', '2']);

    await goToLine(page, '43:35');
    // The runtime worker measures the call: the lens' latency part fills in.
    await page.locator('.codelens-decoration', { hasText: 'ms WASM' }).first().waitFor({ timeout: 120000 });
    await page.screenshot({ path: path.join(IMAGES, 'vscode-annotations.png') });

    // Show Hover (Ctrl+K Ctrl+I) at the flash_attn_func call.
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:has-text("policy")').first();
    await hover.waitFor({ timeout: 30000 });
    assert.match(await hover.innerText(), /flash_attn_func/);
    await page.screenshot({ path: path.join(IMAGES, 'vscode-hover.png') });
    await page.keyboard.press('Escape');
  });

  it('runs Benchmark Backends and shows the table and plot in a webview', async () => {
    const { page } = editor;
    await runCommand(page, 'Attention Lens: Benchmark Backends');
    const sweep = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sequence-length sweep' }).first();
    await sweep.waitFor({ timeout: 20000 });
    await sweep.click();
    const frame = await benchmarkFrame(page, 300000);
    // The sweep: sequence lengths 128–2048 at the default profile, every kernel, measured on WASM.
    // gqa is always causal and the sweep is not, so its rows are skipped with a reason.
    const column = (n: number) => frame.locator(`table#results tbody tr td:nth-child(${n})`).allTextContents();
    const [kernels, shapes, statuses] = [await column(1), await column(5), await column(6)];
    const rows = kernels.map((kernel, i) => `${kernel} ${shapes[i]} ${statuses[i]}`).sort();
    const expected = [128, 256, 512, 1024, 2048].flatMap((l) => ['math', 'fused', 'gqa', 'onnx-attention']
      .map((kernel) => `${kernel} B1 H8 Lq${l} Lkv${l} D64 ${kernel === 'gqa' ? 'skipped: gqa on wasm: is always causal (call it with causal=true)' : 'ok'}`)).sort();
    assert.deepEqual(rows, expected);
    assert.equal(await frame.locator('#plot canvas').count(), 1, 'uPlot drew its canvas');
    assert.equal(await frame.locator('#title').textContent(), 'Benchmark: B1 H8 D64 at L 128, 256, 512, 1024, 2048');
    // A clean picture for the docs: close the Problems panel and the notifications, widen the webview.
    await page.keyboard.press('Control+J');
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('Notifications: Clear All Notifications');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1000);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(IMAGES, 'vscode-benchmark.png') });
  });

  it('runs the next benchmark in the same panel, titled with its shapes, one plotted line per shape series', async () => {
    const { page } = editor;
    await runCommand(page, 'Attention Lens: Benchmark Backends');
    const typed = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter shapes' }).first();
    await typed.waitFor({ timeout: 20000 });
    await typed.click();
    await page.waitForSelector('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1 8 128 64; 2 8 128 64');
    await page.keyboard.press('Enter');
    const title = 'Benchmark: B1 H8 L128 D64; B2 H8 L128 D64';
    const deadline = Date.now() + 300000;
    let frame: Frame | undefined;
    while (frame === undefined) {
      for (const f of page.frames()) {
        if ((await f.locator('#title').textContent({ timeout: 1000 }).catch(() => null)) === title) frame = f;
      }
      if (Date.now() > deadline) throw new Error(`no panel titled "${title}" appeared`);
      if (frame === undefined) await page.waitForTimeout(500);
    }
    assert.equal(await page.locator('.tab', { hasText: 'Benchmark' }).count(), 1, 'one benchmark panel, reused');
    assert.equal(await frame.locator('table#results tbody tr').count(), 8, 'the new run\'s 2 shapes × 4 kernels replace the sweep\'s rows');
    const legend = (await frame.locator('.u-legend .u-series th').allTextContents()).slice(1).sort();
    assert.deepEqual(legend, ['fused', 'math', 'onnx-attention'].flatMap((k) => [`${k} · wasm · B1 H8 D64`, `${k} · wasm · B2 H8 D64`]).sort());
  });

  it('says so in the panel when a run is cancelled, showing the runs that finished', async () => {
    const { page } = editor;
    await runCommand(page, 'Attention Lens: Benchmark Backends');
    const sweep = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sequence-length sweep' }).first();
    await sweep.waitFor({ timeout: 20000 });
    await sweep.click();
    // The progress names the step that finished last: gqa (skipped at once) comes after math and fused ran.
    const progress = page.locator('.notification-list-item', { hasText: 'Attention Lens: benchmarking' }).filter({ hasText: 'gqa' }).filter({ visible: true }).first();
    await progress.waitFor({ timeout: 120000 });
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    let notice: string | null = null;
    const deadline = Date.now() + 120000;
    while (notice === null || !notice.startsWith('Cancelled')) {
      for (const f of page.frames()) notice = (await f.locator('#notice:visible').textContent({ timeout: 500 }).catch(() => null)) ?? notice;
      if (Date.now() > deadline) throw new Error('no panel said the run was cancelled');
      await page.waitForTimeout(500);
    }
    assert.match(notice, /^Cancelled: showing the \d+ runs? that finished first\.$/);
    assert.equal(await page.locator('.tab', { hasText: 'Benchmark' }).count(), 1, 'still one benchmark panel');
  });

  it('opens the runtime report in a read-only tab that never asks to be saved', async () => {
    const { page } = editor;
    await runCommand(page, 'Attention Lens: Show Runtime Report');
    const tab = page.locator('.tab.active', { hasText: 'Attention Lens Runtime Report.md' });
    await tab.waitFor({ timeout: 60000 });
    await page.locator('.editor-instance .view-line', { hasText: '# Attention Lens runtime report' }).waitFor({ timeout: 10000 });
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage', { hasText: 'Cannot edit in read-only editor' }).first().waitFor({ timeout: 10000 });
    assert.doesNotMatch(await tab.getAttribute('class') ?? '', /\bdirty\b/);
  });

  it('shows the status item only while a Python editor is active', async () => {
    const { page } = editor;
    const item = page.locator('.statusbar-item:visible', { hasText: 'Attn:' });
    // The runtime report the last test opened is a Markdown editor.
    await page.locator('.tab.active', { hasText: 'Attention Lens Runtime Report.md' }).waitFor({ timeout: 10000 });
    await item.waitFor({ state: 'detached', timeout: 10000 });
    await openFile(page, 'sample.py');
    await item.waitFor({ timeout: 10000 });
  });

  it('shows its page in the Extensions view with the screenshots, the icon and the changelog', async () => {
    const { page } = editor;
    await page.keyboard.press('Control+Shift+X');
    await page.locator('.extension-list-item', { hasText: 'Attention Lens' }).first().click();
    await page.locator('.extension-editor .header .name', { hasText: 'Attention Lens' }).waitFor({ timeout: 30000 });
    const icon = page.locator('.extension-editor .header img.icon').first();
    await icon.waitFor({ timeout: 10000 });
    assert.equal(await icon.evaluate((img: HTMLImageElement) => img.naturalWidth), 128, 'the icon loaded');
    // The page is a webview of its own: its images, once they loaded, have a width; a broken one has none.
    const deadline = Date.now() + 60000;
    let widths: number[] = [];
    while (widths.length < 3 || widths.includes(0)) {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || (await frame.locator('h1', { hasText: 'Attention Lens' }).count().catch(() => 0)) === 0) continue;
        widths = await frame.locator('img').evaluateAll((imgs) => imgs.map((img) => ((img as HTMLImageElement).complete ? (img as HTMLImageElement).naturalWidth : 0)));
      }
      if (Date.now() > deadline) throw new Error(`the page's images did not load: widths ${JSON.stringify(widths)}`);
      await page.waitForTimeout(500);
    }
    assert.equal(widths.length, 3, 'the three screenshots');
    assert.deepEqual(await page.locator('.extension-editor .navbar .action-label').allTextContents(), ['Details', 'Features', 'Changelog']);
  });
});
