/**
 * A Jupyter notebook in a real VS Code (code-server, its built-in ipynb support) with the .vsix
 * installed: a fresh editor whose first and only document is test/fixtures/notebooks/train.ipynb, so
 * the extension must activate on the notebook itself; its model cell gets the diagnostic, the squiggle
 * and the code lens that test/server/notebooks.test.ts checks over LSP messages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openEditor, openFile, ROOT, type Editor } from './code-server';

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  // No call is measured: the notebook's diagnostics and lens do not wait for the runtime.
  'attnlens.measurement.enabled': false,
  'attnlens.providers': ['wasm'],
};
const DROPOUT = 'dropout 0.1 (train.ipynb:cell 4:14) is applied in inference too';
const LENS = 'train: flash · infer: efficient (flash off: float32) without autocast; flash under float16 or bfloat16 autocast';

describe('e2e: a notebook in VS Code (code-server) with the .vsix installed', function () {
  this.timeout(600000);
  let editor: Editor;
  before(async () => {
    editor = await openEditor(path.join(ROOT, 'test/fixtures/notebooks'), fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-notebook-')), USER_SETTINGS);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await editor?.page.screenshot({ path: path.join(ROOT, '.e2e', `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) });
  });
  after(async () => editor?.close());

  it('activates on train.ipynb and shows its model cell\'s diagnostic in Problems, as a squiggle and with the code lens', async () => {
    const { page } = editor;
    await openFile(page, 'train.ipynb');
    await page.locator('.notebook-editor .cell-list-container').first().waitFor({ timeout: 60000 });

    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: DROPOUT }).first();
    await problem.waitFor({ timeout: 120000 });
    // One problem in the whole notebook: the model cell's warning (errors 0, warnings 1; no infos, so no count).
    assert.deepEqual((await page.locator('#status\\.problems').innerText()).match(/\d+/g), ['0', '1']);

    // Opening the problem reveals its cell at the call: the squiggle (the notebook's only one) and the
    // lens above the line render there, in cell 4 of 9 as the status bar counts cells.
    await problem.click();
    await page.locator('.notebook-editor .squiggly-warning').first().waitFor({ timeout: 30000 });
    assert.equal(await page.locator('.notebook-editor .squiggly-warning').count(), 1);
    const lens = page.locator('.notebook-editor .codelens-decoration', { hasText: 'infer:' }).first();
    await lens.waitFor({ timeout: 60000 });
    assert.equal((await lens.innerText()).trim(), LENS);
    await page.locator('.statusbar-item', { hasText: 'Cell 4 of 9' }).waitFor({ timeout: 10000 });
  });
});
