/**
 * Notebook documents over real LSP messages (`attnlens lsp --stdio`): test/fixtures/notebooks/train.ipynb
 * opened as VS Code opens it (notebookDocument/didOpen with its Python cells' text), its code cells
 * analysed as one module beside the workspace's blocks.py; diagnostics, code lenses, hovers and
 * quick fixes per cell URI at cell-relative positions; edits, a deleted cell and closing through notebookDocument/didChange, didClose.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, CodeLensRequest, CodeLensResolveRequest, DidChangeNotebookDocumentNotification, DidCloseNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification, HoverRequest, NotebookCellKind, type CodeAction, type Diagnostic, type MarkupContent,
} from 'vscode-languageserver-protocol';
import { EDITOR_CAPABILITIES, LspClient } from './lsp-client';

const WORKSPACE = path.resolve(__dirname, '../../../test/fixtures/notebooks');
const NOTEBOOK = path.join(WORKSPACE, 'train.ipynb');
const NOTEBOOK_URI = pathToFileURL(NOTEBOOK).href;
const BLOCKS_URI = pathToFileURL(path.join(WORKSPACE, 'blocks.py')).href;

/** The notebook's cells as the file has them; a cell's URI as VS Code makes one (the notebook's path, the cell in the fragment). */
const CELLS = (JSON.parse(fs.readFileSync(NOTEBOOK, 'utf8')).cells as { cell_type: string; source: string[] }[])
  .map((cell, i) => ({ kind: cell.cell_type, text: cell.source.join(''), uri: `vscode-notebook-cell:${NOTEBOOK}#W${i}sZmlsZQ%3D%3D` }));
const MODEL_CELL = CELLS[3]!;

const range = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });
const DROPOUT = 'dropout 0.1 (train.ipynb:cell 4:14) is applied in inference too: `0.1` does not depend on `self.training` (functional attention does not know the module\'s mode)';

describe('attnlens lsp --stdio with a notebook open', function () {
  this.timeout(30000);
  let client: ReturnType<typeof LspClient.spawn>;
  afterEach(() => client.close());

  async function openNotebook(): Promise<void> {
    client = LspClient.spawn();
    client.settings = { measurement: { enabled: false } };
    await client.initialize(EDITOR_CAPABILITIES, undefined, pathToFileURL(WORKSPACE).href);
    const code = CELLS.filter((c) => c.kind === 'code');
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri: NOTEBOOK_URI, notebookType: 'jupyter-notebook', version: 1,
        cells: CELLS.map((c) => ({ kind: c.kind === 'code' ? NotebookCellKind.Code : NotebookCellKind.Markup, document: c.uri })),
      },
      cellTextDocuments: code.map((c) => ({ uri: c.uri, languageId: 'python', version: 1, text: c.text })),
    });
  }

  it('publishes diagnostics per cell at cell-relative positions, and names notebook lines by cell in other files', async () => {
    await openNotebook();
    const diagnostics = (await client.diagnosticsFor(MODEL_CELL.uri, 1)).diagnostics;
    assert.deepEqual(diagnostics.map((d: Diagnostic) => [d.code, d.severity, d.range, d.message]), [['dropout-in-eval', 2, range(13, 78, 81), DROPOUT]]);
    for (const cell of CELLS.filter((c) => c.kind === 'code' && c !== MODEL_CELL)) assert.deepEqual((await client.diagnosticsFor(cell.uri, 1)).diagnostics, []);

    await client.open(BLOCKS_URI, fs.readFileSync(path.join(WORKSPACE, 'blocks.py'), 'utf8'));
    const [mismatch] = (await client.diagnosticsFor(BLOCKS_URI, 1)).diagnostics;
    // One diagnostic for the problem, a line per path: training (the notebook's autocast region), and the inference path's cases.
    assert.match(String(mismatch!.message), /\(autocast region at train\.ipynb:cell 7:6\)\); .* \(training path: `\.backward\(\)` at module level of train\.ipynb\)$/m);
  });

  it('reads the workspace\'s closed notebooks as callers, naming their lines by cell', async () => {
    client = LspClient.spawn();
    client.settings = { measurement: { enabled: false } };
    await client.initialize(EDITOR_CAPABILITIES, undefined, pathToFileURL(WORKSPACE).href);
    await client.open(BLOCKS_URI, fs.readFileSync(path.join(WORKSPACE, 'blocks.py'), 'utf8'));
    const diagnostics = (await client.diagnosticsFor(BLOCKS_URI, 1)).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [['dtype-mismatch', range(16, 28, 91)], ['dtype-unsupported', range(16, 28, 91)]]);
    assert.match(String(diagnostics[0]!.message), /\(autocast region at train\.ipynb:cell 7:6\)\);/);
  });

  it('answers code lenses, hovers and quick fixes for a cell URI', async () => {
    await openNotebook();
    const [diagnostic] = (await client.diagnosticsFor(MODEL_CELL.uri, 1)).diagnostics;
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: MODEL_CELL.uri } }))!;
    assert.deepEqual(lenses.map((l) => l.range), [range(13, 0, 0)]);
    const resolved = await client.connection.sendRequest(CodeLensResolveRequest.type, lenses[0]!);
    assert.equal(resolved.command!.title, 'train: flash · infer: efficient (flash off: float32) without autocast; flash under float16 or bfloat16 autocast');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: MODEL_CELL.uri }, position: { line: 13, character: 20 } });
    assert.equal((hover!.contents as MarkupContent).value.split('\n')[0], '**`F.scaled_dot_product_attention`** in `CausalSelfAttention.forward`');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: MODEL_CELL.uri }, range: diagnostic!.range, context: { diagnostics: [diagnostic!] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.edit?.changes]), [['Use dropout only in training', { [MODEL_CELL.uri]: [{ range: range(13, 78, 81), newText: '0.1 if self.training else 0.0' }] }]]);
  });

  it('re-analyses on notebookDocument/didChange, clears a deleted cell and, on didClose, every cell', async () => {
    await openNotebook();
    await client.diagnosticsFor(MODEL_CELL.uri, 1);
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: NOTEBOOK_URI, version: 2 },
      change: { cells: { textContent: [{ document: { uri: MODEL_CELL.uri, version: 2 }, changes: [{ text: MODEL_CELL.text.replace('dropout_p=0.1', 'dropout_p=0.0') }] }] } },
    });
    assert.deepEqual((await client.diagnosticsFor(MODEL_CELL.uri, 2)).diagnostics, []);

    // The model cell deleted: its URI's diagnostics are cleared and it has no lenses.
    const before = client.publishedFor(MODEL_CELL.uri).length;
    await client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: NOTEBOOK_URI, version: 3 },
      change: { cells: { structure: { array: { start: 3, deleteCount: 1 }, didClose: [{ uri: MODEL_CELL.uri }] } } },
    });
    await client.until(() => (client.publishedFor(MODEL_CELL.uri).length > before ? true : undefined), 'the deleted cell cleared');
    assert.deepEqual(client.latestDiagnostics(MODEL_CELL.uri), { uri: MODEL_CELL.uri, diagnostics: [] });
    assert.deepEqual(await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: MODEL_CELL.uri } }), []);

    const training = CELLS[6]!;
    await client.connection.sendNotification(DidCloseNotebookDocumentNotification.type, {
      notebookDocument: { uri: NOTEBOOK_URI }, cellTextDocuments: CELLS.filter((c) => c.kind === 'code' && c !== MODEL_CELL).map((c) => ({ uri: c.uri })),
    });
    await client.until(() => (client.latestDiagnostics(training.uri)?.version === undefined ? true : undefined), 'the closed notebook\'s cells cleared');
    assert.deepEqual(client.latestDiagnostics(training.uri), { uri: training.uri, diagnostics: [] });
  });
});
