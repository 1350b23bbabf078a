import * as assert from 'node:assert/strict';
import { formatJson, toJsonReport } from '../../../extension/cli/format/json';
import { factsWith, SAMPLE_REPORTS } from './sample-reports';

const UNKNOWN_SHAPES = { batch: null, heads: 12, kv_heads: null, seq_q: null, seq_kv: null, head_dim: 64, head_dim_v: null };

describe('json format', () => {
  const json = toJsonReport(SAMPLE_REPORTS);

  it('is version 1 with one entry per file, in order', () => {
    assert.equal(json.version, 1);
    assert.deepEqual(json.files.map((f) => f.path), ['model.py', 'sample.py', 'broken.py', 'tree.py']);
  });

  it('gives a call its span, api, function, agreed dtypes and shapes, both modes and its diagnostics', () => {
    assert.deepEqual(json.files[0]!.calls[0], {
      line: 41, column: 13, end_line: 41, end_column: 61,
      api: 'F.scaled_dot_product_attention',
      function: 'SelfAttention.forward',
      dtypes: { q: 'float16', k: 'float16', v: 'float16', bias: null },
      shapes: UNKNOWN_SHAPES,
      modes: {
        train: {
          reached: true, backend: 'sdpa.efficient', why: ['sdpa.flash: attn_mask is not None'],
          rejected: [{ backend: 'sdpa.flash', reasons: ['attn_mask is not None'] }],
          assumed: [], blocked_by: null, depends: false,
        },
        infer: { reached: true, backend: 'sdpa.flash', why: ['dropout is off in inference'], rejected: [], assumed: [], blocked_by: null, depends: false },
      },
      diagnostics: [{
        code: 'mask-disables-flash', severity: 'information',
        message: 'flash is off in training: attn_mask is not None', mode: 'train',
      }],
    });
  });

  it('takes dtypes from the reaching paths only, and writes fixes as 1-based edits', () => {
    const call = json.files[0]!.calls[1]!;
    assert.deepEqual(call.dtypes, { q: 'float32', k: 'float32', v: 'float32', bias: null });
    assert.deepEqual(call.modes.train, {
      reached: true, backend: null, why: ['FlashAttention only support fp16 and bf16 data type'],
      rejected: [{ backend: 'flash_attn.fa2', reasons: ['FlashAttention only support fp16 and bf16 data type'] }],
      assumed: [], blocked_by: null, depends: false,
    });
    assert.equal(call.modes.infer.reached, false);
    assert.deepEqual(call.modes.infer.blocked_by, { line: 58, column: 12, end_line: 58, end_column: 21, why: '`attn_bias` is a float32 tensor' });
    assert.deepEqual(call.diagnostics[0]!.fix, {
      edits: [
        { line: 60, column: 25, end_line: 60, end_column: 26, new_text: 'q.to(torch.bfloat16)' },
        { line: 60, column: 28, end_line: 60, end_column: 29, new_text: 'k.to(torch.bfloat16)' },
      ],
    });
  });

  it('gives null where the paths disagree or a fact is unknown, the depends reasons as why, and assumptions', () => {
    const call = json.files[1]!.calls[0]!;
    assert.deepEqual(call.dtypes, { q: null, k: null, v: null, bias: null });
    assert.equal(call.function, null);
    assert.deepEqual(call.modes.train, { reached: null, backend: 'sdpa.flash', why: ['depends on whether mask is None'], rejected: [], assumed: [], blocked_by: null, depends: true });
    assert.deepEqual(call.modes.infer.assumed, ['flash_attn is installed and xformers is not installed']);
  });

  it('lists parse errors and internal errors with their spans', () => {
    assert.deepEqual(json.files[2], { path: 'broken.py', parse_errors: [{ line: 3, column: 9, end_line: 3, end_column: 10, message: "expected ':'" }], internal_errors: [], calls: [] });
    assert.deepEqual(json.files[3], {
      path: 'tree.py', parse_errors: [], calls: [],
      internal_errors: [{ line: 4, column: 5, end_line: 4, end_column: 5, message: 'internal error analysing `Tree.__init__`: RangeError: Maximum call stack size exceeded' }],
    });
  });

  it('gives the bias dtype when both paths agree on it', () => {
    const facts = factsWith('bfloat16', { mask: { kind: { known: true, value: 'float', source: 'b' }, dtype: { known: true, value: 'float32', source: 'b' } } });
    const call = { ...SAMPLE_REPORTS[0]!.calls[0]!, modes: { train: { ...SAMPLE_REPORTS[0]!.calls[0]!.modes.train, facts }, infer: { ...SAMPLE_REPORTS[0]!.calls[0]!.modes.infer, facts } } };
    const out = toJsonReport([{ path: 'x.py', parseErrors: [], internalErrors: [], calls: [call] }]);
    assert.deepEqual(out.files[0]!.calls[0]!.dtypes, { q: 'bfloat16', k: 'bfloat16', v: 'bfloat16', bias: 'float32' });
  });

  it('prints parseable, newline-terminated JSON of the same object', () => {
    const text = formatJson(SAMPLE_REPORTS);
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(JSON.parse(text), json);
  });
});
