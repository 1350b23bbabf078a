/**
 * Notebooks through the analysis: positions put back into cells (spans and the lines messages
 * name, in the notebook's own report and in the modules it calls), an unreadable notebook as one
 * parse error, and imports: a notebook imports workspace modules, nothing imports a notebook.
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import type { FileReport } from '../../extension/analysis/report';
import { placeInCells } from '../../extension/notebook/cell-report';
import { pythonSources } from '../../extension/notebook/notebook-sources';
import { SETTINGS } from '../analysis/helpers';

function notebookJson(...cells: [kind: string, source: string][]): string {
  return JSON.stringify({ cells: cells.map(([kind, source]) => ({ cell_type: kind, metadata: {}, source })), nbformat: 4 });
}

async function analyze(files: SourceFile[]): Promise<FileReport[]> {
  const { sources, notebooks } = pythonSources(files);
  return placeInCells(await analyzeFiles(sources, SETTINGS), notebooks);
}

const ATTEND = 'import torch.nn.functional as F\n\ndef attend(q, k, v):\n    return F.scaled_dot_product_attention(q, k, v, dropout_p=0.1)\n';
const HALF_CALL = 'import torch\nq = torch.randn(2, 8, 128, 64, dtype=torch.float16, device="cuda")\nattend(q, q, q)\n';

describe('notebook reports', () => {
  it('gives spans and the lines messages name in cells', async () => {
    const [notebook] = await analyze([{
      path: 'nb/train.ipynb',
      text: notebookJson(['markdown', '# Attention'], ['code', '%pip install torch\n' + ATTEND], ['code', HALF_CALL]),
    }]);
    const call = notebook!.calls[0]!;
    assert.deepEqual(call.span, { cell: 2, line: 5, column: 12, endLine: 5, endColumn: 66 });
    assert.deepEqual(call.findings.map((f) => [f.code, f.span, f.message]), [[
      'dropout-in-eval', { cell: 2, line: 5, column: 62, endLine: 5, endColumn: 65 },
      'dropout 0.1 (train.ipynb:cell 2:5) is applied in inference too: `0.1` does not depend on `self.training` (functional attention does not know the module\'s mode)',
    ]]);
  });

  it('names notebook lines in the messages of the modules a notebook calls', async () => {
    const [, module] = await analyze([
      { path: 'nb/train.ipynb', text: notebookJson(['code', 'import torch\nfrom layers import attend\n'], ['code', 'q = torch.randn(2, 8, 128, 64, device="cuda")\nwith torch.autocast("cuda"):\n    attend(q, q.float(), q)\n']) },
      { path: 'nb/layers.py', text: 'from flash_attn import flash_attn_func\n\ndef attend(q, k, v):\n    return flash_attn_func(q, k, v)\n' },
    ]);
    assert.match(module!.calls[0]!.findings.map((f) => f.message).join('\n'), /train\.ipynb:cell 2:\d+/);
    assert.doesNotMatch(module!.calls[0]!.findings.map((f) => f.message).join('\n'), /train\.ipynb:\d/);
  });

  it('places a cell\'s syntax error in its cell; one that reads on into the next cell ends after its own', async () => {
    const [inCell] = await analyze([{ path: 'a.ipynb', text: notebookJson(['code', 'import torch\n'], ['markdown', '# Loop'], ['code', 'for x in y\n    pass\n']) }]);
    assert.deepEqual(inCell!.parseErrors, [{ span: { cell: 3, line: 1, column: 1, endLine: 2, endColumn: 9 }, message: 'syntax error: unexpected `for x in y`' }]);
    const [openBracket] = await analyze([{ path: 'b.ipynb', text: notebookJson(['code', 'x = f(\n'], ['code', 'y = 2\nz = 3']) }]);
    assert.deepEqual(openBracket!.parseErrors, [{ span: { cell: 1, line: 1, column: 1, endLine: 3, endColumn: 1 }, message: 'syntax error: unexpected `x = f(`' }]);
  });

  it('reports a notebook that is not JSON as one parse error where it breaks off', async () => {
    assert.deepEqual(await analyze([{ path: 'broken.ipynb', text: '{"cells": [\n' }]), [{
      path: 'broken.ipynb',
      parseErrors: [{ span: { line: 2, column: 1, endLine: 2, endColumn: 2 }, message: 'not a valid notebook: the file is not JSON (Unexpected end of JSON input)' }],
      calls: [],
      internalErrors: [],
    }]);
  });

  it('lets no file import from a notebook: its functions are called from the notebook alone', async () => {
    // The same caller reaches `attend` in a module (float16 known at the call) but not in a notebook.
    const dtypeSeen = async (definedIn: string) => {
      const reports = await analyze([
        { path: `nb/${definedIn}`, text: definedIn.endsWith('.ipynb') ? notebookJson(['code', ATTEND]) : ATTEND },
        { path: 'nb/run.py', text: `from helpers import attend\n${HALF_CALL}` },
      ]);
      const q = reports[0]!.calls[0]!.modes.train.facts.dtypes.q;
      return q.known ? q.value : 'unknown';
    };
    assert.equal(await dtypeSeen('helpers.py'), 'float16');
    assert.equal(await dtypeSeen('helpers.ipynb'), 'unknown');
  });
});
