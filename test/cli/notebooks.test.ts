/**
 * `attnlens check` on notebooks, end to end (the real binary): test/fixtures/notebooks/train.ipynb is
 * a training notebook (markdown, an imports cell with `!pip` and `%matplotlib`, a model cell, a
 * `%%time` cell that is not Python, a training cell under autocast, a sampling cell) that imports
 * blocks.py; broken/scratch.ipynb is a notebook saved half-way. Positions are cell + line.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { sarifStructureErrors } from './format/sarif-structure';

const BIN = path.resolve(__dirname, '../../../bin/attnlens.js');
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

function attnlens(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', cwd: FIXTURES, env: { ...process.env, NO_COLOR: '' } });
}

const DTYPE_MISMATCH = 'flash_attn_func: "query and key must have the same dtype" — `q` is float16 (`linear` at blocks.py:15 runs in float16 under autocast ' +
  '(autocast region at train.ipynb:cell 7:6)); `k.view(B, S, self.n_head, -1)` is float32 (`.float()` at blocks.py:16); `v.view(B, S, self.n_head, -1)` is float32 ' +
  '(`.float()` at blocks.py:16) (training path: `.backward()` at module level of train.ipynb)';
const DROPOUT = 'dropout 0.1 (train.ipynb:cell 4:14) is applied in inference too: `0.1` does not depend on `self.training` (functional attention does not know the module\'s mode)';

/** Positions of a JSON or SARIF place as one row. */
type Place = Record<string, unknown>;

describe('attnlens check on notebooks (end to end)', function () {
  this.timeout(60_000);

  it('prints notebook positions as cell + line, naming notebook lines by cell in every message', () => {
    const r = attnlens('notebooks', '--no-color');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, [
      'notebooks/blocks.py:17:13 flash_attn_func → train: raises: query and key must have the same dtype | infer: raises: FlashAttention only support fp16 and bf16 data type without autocast · raises: query and key must have the same dtype under float16 or bfloat16 autocast',
      `  error dtype-mismatch: ${DTYPE_MISMATCH}`,
      '  warning dtype-unsupported: flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 (`randn` at train.ipynb:cell 9:3 (default dtype)); `k.view(B, S, self.n_head, -1)` is float32 (`.float()` at blocks.py:16); `v.view(B, S, self.n_head, -1)` is float32 (`.float()` at blocks.py:16) (inference path: `torch.no_grad()` at train.ipynb:cell 9:2) (without autocast)',
      '  warning dtype-mismatch: flash_attn_func: "query and key must have the same dtype" — `q` is float16 (`linear` at blocks.py:15 runs in float16 under autocast (autocast float16 (a case: no caller in these files shows the autocast))); `k.view(B, S, self.n_head, -1)` is float32 (`.float()` at blocks.py:16); `v.view(B, S, self.n_head, -1)` is float32 (`.float()` at blocks.py:16) (inference path: `torch.no_grad()` at train.ipynb:cell 9:2) (under float16 or bfloat16 autocast)',
      "notebooks/broken/scratch.ipynb:3:1 error parse-error: not a valid notebook: the file is not JSON (Expected ',' or '}' after property value)",
      'notebooks/train.ipynb:cell 4:14:13 F.scaled_dot_product_attention → train: flash | infer: efficient (flash off: float32) without autocast · flash under float16 or bfloat16 autocast',
      `  warning dropout-in-eval: ${DROPOUT}`,
      '2 attention calls in 3 files: 1 error, 3 warnings, 0 notes, 1 parse error',
      '',
    ].join('\n'));
  });

  it('gives a cell beside line and column in JSON, for calls, diagnostics and fix edits', () => {
    const r = attnlens('notebooks/train.ipynb', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const [file] = JSON.parse(r.stdout).files;
    const call = file.calls[0];
    const place = ({ cell, line, column, end_line, end_column }: Place) => ({ cell, line, column, end_line, end_column });
    assert.deepEqual(place(call), { cell: 4, line: 14, column: 13, end_line: 14, end_column: 83 });
    assert.deepEqual(call.diagnostics.map((d: { code: string; message: string; fix: { edits: Place[] } }) =>
      [d.code, d.message, d.fix.edits.map((e) => ({ ...place(e), new_text: e['new_text'] }))]), [[
      'dropout-in-eval', DROPOUT, [{ cell: 4, line: 14, column: 79, end_line: 14, end_column: 82, new_text: '0.1 if self.training else 0.0' }],
    ]]);
  });

  it('gives SARIF regions on the notebook with the cell in their properties', () => {
    const r = attnlens('notebooks', '--format', 'sarif');
    const log = JSON.parse(r.stdout);
    assert.deepEqual(sarifStructureErrors(log), []);
    const locations = log.runs[0].results.map((x: { ruleId: string; locations: { physicalLocation: Place }[] }) => [x.ruleId, x.locations[0]!.physicalLocation]);
    assert.deepEqual(locations, [
      ['dtype-mismatch', { artifactLocation: { uri: 'notebooks/blocks.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 17, startColumn: 29, endLine: 17, endColumn: 30 } }],
      ['dtype-unsupported', { artifactLocation: { uri: 'notebooks/blocks.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 17, startColumn: 29, endLine: 17, endColumn: 30 } }],
      ['dtype-mismatch', { artifactLocation: { uri: 'notebooks/blocks.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 17, startColumn: 29, endLine: 17, endColumn: 30 } }],
      ['parse-error', { artifactLocation: { uri: 'notebooks/broken/scratch.ipynb', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 2 } }],
      ['dropout-in-eval', {
        artifactLocation: { uri: 'notebooks/train.ipynb', uriBaseId: '%SRCROOT%' },
        region: { startLine: 14, startColumn: 79, endLine: 14, endColumn: 82, properties: { cell: 4 } },
      }],
    ]);
  });
});
