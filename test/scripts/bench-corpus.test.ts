import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFiles } from '../../extension/analysis/index';
import { toJsonReport, type JsonReport } from '../../extension/cli/format/json';
import { DEFAULT_SETTINGS } from '../../extension/cli/settings-flags';
import { countLines, countReport, pathVerdictKind } from '../../scripts/bench/corpus-counts';

const BENCH = path.resolve(__dirname, '../../scripts/bench-corpus.js');

/** One call of each kind: undecided inputs, a decided call, a path ruled out, a reach that assumes an install. */
const MODEL = `import torch
import torch.nn.functional as F


def attend(q, k, v, mask):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def attend_half():
    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.float16)
    return F.scaled_dot_product_attention(q, q, q)


def attend_in_eval(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


def sample():
    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.bfloat16)
    with torch.no_grad():
        attend_in_eval(q, q, q)


try:
    from flash_attn import flash_attn_func
except ImportError:
    flash_attn_func = None


def attend_flash_if_installed():
    q = torch.randn(2, 128, 8, 64, device="cuda", dtype=torch.float16)
    if flash_attn_func is not None:
        return flash_attn_func(q, q, q)
    return None
`;

describe('bench:corpus counts', () => {
  it('sorts every path verdict of a real report into not reached, depends and decided', async () => {
    const report = toJsonReport(await analyzeFiles([{ path: 'model.py', text: MODEL }], { ...DEFAULT_SETTINGS, autocast: 'off' }));
    const kinds = report.files[0]!.calls.map((call) => [call.line, pathVerdictKind(call.modes.train), pathVerdictKind(call.modes.infer)]);
    assert.deepEqual(kinds, [
      [6, 'depends', 'depends'],
      [11, 'decided', 'decided'],
      [15, 'not reached', 'decided'],
      [33, 'decided', 'decided'],
    ]);
    assert.deepEqual(countReport(report), {
      calls: 4, parseErrors: 0, internalErrors: 0, pathVerdicts: 8, notReached: 1, depends: 2, decided: 5,
      // attend and attend_half have no caller; the flash_attn call is reached only if it is installed.
      reachUnknown: 6,
    });
  });

  it('counts the internal errors and parse errors of every file', () => {
    const mode = { reached: true, backend: 'sdpa.flash', why: [], rejected: [], assumed: [], blocked_by: null, depends: false };
    const span = { line: 3, column: 1, end_line: 3, end_column: 9 };
    const internalError = { ...span, message: 'internal error analysing `Tree.__init__`: RangeError: Maximum call stack size exceeded' };
    const report: JsonReport = {
      version: 1,
      files: [
        { path: 'a.py', parse_errors: [{ ...span, message: "expected ':'" }], internal_errors: [internalError, internalError], calls: [] },
        {
          path: 'b.py',
          parse_errors: [],
          internal_errors: [internalError],
          calls: [{
            ...span, api: 'F.scaled_dot_product_attention', function: null,
            dtypes: { q: null, k: null, v: null, bias: null },
            shapes: { batch: null, heads: null, kv_heads: null, seq_q: null, seq_kv: null, head_dim: null, head_dim_v: null },
            modes: { train: mode, infer: mode },
            diagnostics: [],
          }],
        },
      ],
    };
    assert.deepEqual(countReport(report), {
      calls: 1, parseErrors: 1, internalErrors: 3, pathVerdicts: 2, notReached: 0, depends: 0, decided: 2, reachUnknown: 0,
    });
  });

  it('counts lines as an editor numbers them', () => {
    assert.deepEqual(['', 'x', 'x\n', 'x\ny', 'x\ny\n', '\n\n'].map(countLines), [0, 1, 1, 2, 2, 2]);
  });
});

describe('bench:corpus (end to end)', function () {
  this.timeout(120_000);

  it('measures a directory in child processes and prints its row as JSON', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-corpus-'));
    try {
      await fs.writeFile(path.join(directory, 'model.py'), MODEL);
      await fs.writeFile(path.join(directory, 'empty.py'), '');
      const run = spawnSync(process.execPath, [BENCH, '--json', '--autocast', 'off', directory], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const [row] = JSON.parse(run.stdout).rows;
      assert.deepEqual([row.files, row.lines, row.analysis.status, row.parse.status], [2, MODEL.split('\n').length - 1, 'done', 'done']);
      assert.deepEqual([row.analysis.result.counts.calls, row.analysis.result.counts.depends], [4, 2]);
      assert.ok(row.parse.result.nodes > MODEL.length / 10, `${row.parse.result.nodes} nodes`);
      assert.ok(row.analysis.result.maxRssKB > 0);
    } finally {
      await fs.rm(directory, { recursive: true });
    }
  });
});
