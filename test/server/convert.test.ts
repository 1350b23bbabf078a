import * as assert from 'node:assert/strict';
import type { Decision } from '../../runtime/dispatch/decision';
import {
  decisionSummary, lensTitle, toCodeActions, toCodeLenses, toDiagnostics, toHover, toInlayHints, resolveCodeLens,
} from '../../extension/server/convert';
import type { LatencyState } from '../../extension/server/measurement';
import { DEFAULT_SETTINGS } from '../../extension/server/settings';
import type { BenchmarkRow } from '../../extension/protocol';
import { known } from '../../runtime/dispatch/facts';
import type { FileReport, Finding } from '../../extension/analysis/report';
import { FLASH_CALL, SDPA_CALL, report, span } from './reports';

const URI = 'file:///w/model.py';
const WHOLE_FILE = { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } };
const MEASURED: BenchmarkRow = {
  kernel: 'fused', provider: 'webgpu', adapter: 'NVIDIA RTX 3060', dtype: 'float16',
  shape: { batch: 1, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 256, headDim: 64 },
  status: 'ok', medianMs: 0.4213, spreadMs: 0.031, relError: 1.23e-7,
};

function decision(partial: Partial<Decision>): Decision {
  return { policy: 'sdpa-cuda', outcome: 'runs', backend: null, verdicts: [], warnings: [], notes: [], ...partial };
}

describe('server/convert', () => {
  it('maps findings to diagnostics on the argument, with code, severity, source and the analysis\' message', () => {
    assert.deepEqual(toDiagnostics(report('/w/model.py')), [
      {
        range: { start: { line: 19, character: 54 }, end: { line: 19, character: 69 } },
        severity: 3, code: 'mask-disables-flash', source: 'attnlens',
        message: 'attn_mask is not None on this path: Flash Attention does not support non-null attn_mask.',
      },
      {
        range: { start: { line: 29, character: 24 }, end: { line: 29, character: 31 } },
        severity: 1, code: 'dtype-unsupported', source: 'attnlens',
        message: 'FlashAttention only support fp16 and bf16 data type: q is float32 (F.normalize at model.py:28)',
      },
    ]);
  });

  it('reports parse errors as errors, internal errors as warnings', () => {
    const r = { path: 'x.py', calls: [], parseErrors: [{ span: span(2, 1, 2, 5), message: 'invalid syntax' }], internalErrors: [{ span: span(4, 5, 4, 5), message: 'internal error analysing `f`: TypeError: x' }] };
    assert.deepEqual(toDiagnostics(r), [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, severity: 1, code: 'parse-error', source: 'attnlens', message: 'invalid syntax' },
      { range: { start: { line: 3, character: 4 }, end: { line: 3, character: 4 } }, severity: 2, code: 'internal-error', source: 'attnlens', message: 'internal error analysing `f`: TypeError: x' },
    ]);
  });

  describe('code lens titles', () => {
    const cases: [string, Decision, string][] = [
      ['first backend runs', decision({ backend: 'sdpa.flash', verdicts: [{ backend: 'sdpa.flash', status: 'accepted', reasons: [] }] }), 'flash'],
      ['a later backend runs', decision({ backend: 'sdpa.efficient', verdicts: [
        { backend: 'sdpa.flash', status: 'rejected', reasons: ['attn_bias is not None', 'other'] },
        { backend: 'sdpa.efficient', status: 'accepted', reasons: [] }] }), 'efficient (flash off: attn_bias is not None)'],
      ['the library raises', decision({ outcome: 'raises', error: 'query and key must have the same dtype' }), 'raises: query and key must have the same dtype'],
      ['a long message is cut to one short line', decision({ outcome: 'raises', error: 'Query/Key/Value should either all have the same dtype, or (in the quantized case) Key/Value should have dtype torch.int32\n query.dtype: torch.float32' }),
        'raises: Query/Key/Value should either all have the same dtype, or (in the quant…'],
      ['depends, with a best case', decision({ outcome: 'depends', backend: 'sdpa.flash', verdicts: [
        { backend: 'sdpa.flash', status: 'depends', reasons: ['depends on the dtype of q'] }] }), 'flash? (depends on the dtype of q)'],
      ['depends, no best case', decision({ outcome: 'depends', verdicts: [{ backend: 'x.y', status: 'depends', reasons: ['depends on the GPU'] }] }), 'depends on the GPU'],
    ];
    for (const [name, d, expected] of cases) it(name, () => assert.equal(decisionSummary(d), expected));

    const latencies: [LatencyState, string][] = [
      [{ kind: 'measuring' }, 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash · measuring…'],
      [{ kind: 'measured', row: MEASURED }, 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash · 0.42 ms WebGPU'],
      [{ kind: 'unavailable', reason: 'timed out after 100 ms' }, 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash · unavailable: timed out after 100 ms'],
      [{ kind: 'off' }, 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash'],
    ];
    for (const [latency, expected] of latencies) it(`shows both paths and the latency (${latency.kind})`, () => assert.equal(lensTitle(SDPA_CALL, latency), expected));

    it('leaves out a path no caller reaches', () => {
      assert.equal(lensTitle(FLASH_CALL, { kind: 'off' }), 'infer: raises: FlashAttention only support fp16 and bf16 data type');
    });
    it('says it once when both paths agree', () => {
      const same = { ...SDPA_CALL, modes: { train: SDPA_CALL.modes.infer, infer: SDPA_CALL.modes.infer } };
      assert.equal(lensTitle(same, { kind: 'off' }), 'train & infer: flash');
    });
  });

  it('lists lenses at the call line and resolves them to the benchmark command', () => {
    const lenses = toCodeLenses(report('/w/model.py'), URI, 3);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.data]), [[19, { uri: URI, index: 0, version: 3 }], [29, { uri: URI, index: 1, version: 3 }]]);
    assert.deepEqual(resolveCodeLens(lenses[1]!, FLASH_CALL, { kind: 'measuring' }).command, {
      title: 'infer: raises: FlashAttention only support fp16 and bf16 data type · measuring…', command: 'attnlens.benchmarkCall', arguments: [URI, 1],
    });
  });

  it('hovers with every verdict, the facts and their sources, the measurement and the estimate', () => {
    const hover = toHover(SDPA_CALL, { settings: DEFAULT_SETTINGS, latency: { kind: 'measured', row: MEASURED } });
    assert.equal(hover.kind, 'markdown');
    assert.equal(hover.value, [
      '**`F.scaled_dot_product_attention`** in `SelfAttention.forward`',
      '',
      '**train** (reached) · policy `sdpa-cuda` · runs `sdpa.efficient`',
      '- ✗ `sdpa.flash`: Flash Attention does not support non-null attn_mask.',
      '- ✓ `sdpa.efficient`',
      '- ✓ `sdpa.math`',
      '',
      '**infer** (reached) · policy `sdpa-cuda` · runs `sdpa.flash`',
      '- ✓ `sdpa.flash`',
      '- ✓ `sdpa.efficient`',
      '- ✓ `sdpa.math`',
      '',
      '| fact | train | infer |',
      '|---|---|---|',
      '| q dtype | float16 (`.half()` at model.py:18) | float16 (`.half()` at model.py:18) |',
      '| k dtype | float16 (`.half()` at model.py:18) | float16 (`.half()` at model.py:18) |',
      '| v dtype | float16 (`.half()` at model.py:18) | float16 (`.half()` at model.py:18) |',
      '| autocast | off (no autocast region) | off (no autocast region) |',
      '| mask | float (attn_bias at model.py:12) | none (attn_mask=None at model.py:30) |',
      '| causal | false (default) | false (default) |',
      '| dropout | 0 (default) | 0 (default) |',
      '| batch | depends on the batch size | depends on the batch size |',
      '| heads | 8 (n_head = 8 at model.py:5) | 8 (n_head = 8 at model.py:5) |',
      '| kvHeads | depends on the key/value heads | depends on the key/value heads |',
      '| seqQ | 256 (block_size at model.py:6) | 256 (block_size at model.py:6) |',
      '| seqKv | depends on the key length | depends on the key length |',
      '| headDim | 64 (n_embd // n_head at model.py:7) | 64 (n_embd // n_head at model.py:7) |',
      '',
      '**Measured**: 0.42 ms median (IQR 0.031 ms) on WebGPU · NVIDIA RTX 3060, float16, kernel `fused`, B1 H8 L256 D64; parity: rel. L2 error 1.2e-7 vs float64',
      '',
      // memory-bound: 2 B × 64 × (2·8·256 + 2·8·256) = 1 048 576 B at 3.35 TB/s = 0.313 µs, / 0.6 = 0.52 µs
      "**Estimate**: ≈ 0.52 µs on H100 at 60 % of peak (float16, B1 H8 L256 D64, unknown dimensions from profile 'small'; memory-bound: 134 MFLOP, 1.05 MB; roofline, see docs/extension.md)",
    ].join('\n'));
  });

  it('hover shows SDPA backend switches as a fact row, only where a path has them', () => {
    const source = '`sdpa_kernel(SDPBackend.MATH)` at train.py:9';
    const off = known(false, source);
    const train = { ...SDPA_CALL.modes.train, facts: { ...SDPA_CALL.modes.train.facts, sdpaBackends: { enabled: { cudnn: off, flash: off, efficient: off, math: known(true, source) } } } };
    const value = toHover({ ...SDPA_CALL, modes: { ...SDPA_CALL.modes, train } }, { settings: DEFAULT_SETTINGS, latency: { kind: 'off' } }).value;
    assert.ok(value.includes("| SDPA backends | math on; cudnn, flash and efficient off (`sdpa_kernel(SDPBackend.MATH)` at train.py:9) | all on (PyTorch's default) |"), value);
    assert.ok(!toHover(SDPA_CALL, { settings: DEFAULT_SETTINGS, latency: { kind: 'off' } }).value.includes('SDPA backends'));
  });

  it('hover shows dtype warnings with their casts, and no estimate without a target GPU', () => {
    const value = toHover(FLASH_CALL, { settings: { ...DEFAULT_SETTINGS, targetGpu: null }, latency: { kind: 'off' } }).value;
    assert.ok(value.includes('- ⚠ `dtype-unsupported`: FlashAttention only support fp16 and bf16 data type — fix: q float32 → float16'));
    assert.ok(value.endsWith('**Measured**: off (setting `attnlens.measurement.enabled`)'));
  });

  it('offers the finding\'s fix as a quick fix where the range meets it', () => {
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(29, 25)), [{
      title: 'Cast q, k, v to float16',
      kind: 'quickfix',
      diagnostics: [toDiagnostics(report('/w/model.py'))[1]],
      isPreferred: true,
      edit: { changes: { [URI]: [{ range: { start: { line: 29, character: 24 }, end: { line: 29, character: 31 } }, newText: 'q.half(), k.half(), v.half()' }] } },
    }]);
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(19, 60)), [], 'a finding without a fix offers nothing');
  });

  it('offers the fix of a diagnostic the request\'s context names, wherever its range is on the line (Neovim)', () => {
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    const diagnostics = toDiagnostics(report('/w/model.py'));
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(29, 0)), [], 'the cursor before the problem, no context');
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(29, 0), diagnostics).map((a) => [a.title, a.diagnostics]), [['Cast q, k, v to float16', [diagnostics[1]]]]);
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(29, 25), diagnostics).length, 1, 'once, though the range meets it too');
    const elsewhere = { ...diagnostics[1]!, range: at(29, 0) };
    assert.deepEqual(toCodeActions(report('/w/model.py'), URI, at(29, 0), [elsewhere, { ...diagnostics[1]!, source: 'ruff' }]), [], 'another range or source is another problem');
  });

  describe('one problem on both paths', () => {
    const cast = (to: string) => ({ title: `Cast q → ${to}`, edits: [{ span: span(30, 26, 30, 26), newText: `.to(torch.${to})` }] });
    const onPaths = (train: Partial<Finding>, infer: Partial<Finding>): FileReport => report('/w/model.py', [{
      ...FLASH_CALL,
      findings: [
        { code: 'dtype-unsupported', severity: 'error', span: span(30, 25, 30, 26), mode: 'train', message: 'q is float32 on the training path (`zeros` at model.py:3)', ...train },
        { code: 'dtype-unsupported', severity: 'error', span: span(30, 25, 30, 26), mode: 'infer', message: 'q is float32 on the inference path (`zeros` at model.py:3)', ...infer },
      ],
    }]);
    const qkv = { start: { line: 29, character: 24 }, end: { line: 29, character: 31 } };

    it('is one diagnostic naming both paths where the messages differ only in the path', () => {
      assert.deepEqual(toDiagnostics(onPaths({}, {})), [
        { range: qkv, severity: 1, code: 'dtype-unsupported', source: 'attnlens', message: 'q is float32 on the training and inference paths (`zeros` at model.py:3)' },
      ]);
    });

    it('is one diagnostic with each path\'s message where they differ, at the more severe level', () => {
      const [diagnostic, ...others] = toDiagnostics(onPaths({ severity: 'warning' }, { message: 'q is float32 on the inference path (`ones` at model.py:9)' }));
      assert.deepEqual([diagnostic!.severity, diagnostic!.message, others], [1, 'training path: q is float32 on the training path (`zeros` at model.py:3)\ninference path: q is float32 on the inference path (`ones` at model.py:9)', []]);
    });

    it('offers a fix both paths share once, and different fixes each once', () => {
      const at = { start: { line: 29, character: 25 }, end: { line: 29, character: 25 } };
      const same = toCodeActions(onPaths({ fix: cast('bfloat16') }, { fix: cast('bfloat16') }), URI, at);
      assert.deepEqual(same.map((a) => [a.title, a.diagnostics!.length]), [['Cast q → bfloat16', 1]]);
      const different = toCodeActions(onPaths({ fix: cast('bfloat16') }, { fix: cast('float16') }), URI, at);
      assert.deepEqual(different.map((a) => [a.title, a.diagnostics!.length, a.edit!.changes![URI]![0]!.newText]), [
        ['Cast q → bfloat16', 1, '.to(torch.bfloat16)'],
        ['Cast q → float16', 1, '.to(torch.float16)'],
      ]);
    });
  });

  it('puts dtype hints after q, k, v, or after the call when their spans are unknown', () => {
    assert.deepEqual(toInlayHints(report('/w/model.py'), WHOLE_FILE), [
      { position: { line: 19, character: 70 }, label: ' q, k, v: float16, float16, float16', kind: 1, paddingLeft: true },
      { position: { line: 29, character: 25 }, label: ': float32', kind: 1 },
      { position: { line: 29, character: 28 }, label: ': float32', kind: 1 },
      { position: { line: 29, character: 31 }, label: ': float32', kind: 1 },
    ]);
    assert.deepEqual(toInlayHints(report('/w/model.py'), { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } }), []);
  });
});
