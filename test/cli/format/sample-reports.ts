/** Hand-built FileReports for the formatter tests: every outcome, a fix, a parse error. */
import type { Decision } from '../../../runtime/dispatch/decision';
import { known, unknown, type CallFacts, type Dtype } from '../../../runtime/dispatch/facts';
import type { FileReport, ModeResult, Span } from '../../../extension/analysis/report';

export function span(line: number, column: number, endLine: number, endColumn: number): Span {
  return { line, column, endLine, endColumn };
}

/** Facts with q, k, v of `dtype` and everything else unknown unless overridden. */
export function factsWith(dtype: Dtype | null, overrides: Partial<CallFacts> = {}): CallFacts {
  const d = dtype === null ? unknown('the dtype of q') : known(dtype, 'test');
  const u = unknown('test');
  return {
    api: 'sdpa',
    mode: u,
    dtypes: { q: d, k: d, v: d },
    autocast: u,
    mask: { kind: u },
    causal: u,
    dropout: u,
    shape: { batch: u, heads: known(12, 'n_head = 12'), kvHeads: u, seqQ: u, seqKv: u, headDim: known(64, 'n_embd // n_head'), headDimV: u },
    layout: u,
    ...overrides,
  };
}

export function mode(reached: boolean | null, facts: CallFacts, decision: Decision, extra: Partial<ModeResult> = {}): ModeResult {
  return { reached, facts, decision, ...extra };
}

const flashRejectedForMask: Decision = {
  policy: 'sdpa-cuda',
  outcome: 'runs',
  backend: 'sdpa.efficient',
  verdicts: [
    { backend: 'sdpa.flash', status: 'rejected', reasons: ['attn_mask is not None'] },
    { backend: 'sdpa.efficient', status: 'accepted', reasons: [] },
    { backend: 'sdpa.math', status: 'accepted', reasons: [] },
  ],
  warnings: [],
  notes: [],
};

const flashRuns: Decision = {
  policy: 'sdpa-cuda',
  outcome: 'runs',
  backend: 'sdpa.flash',
  verdicts: [{ backend: 'sdpa.flash', status: 'accepted', reasons: [] }],
  warnings: [],
  notes: ['dropout is off in inference'],
};

const float32Raises: Decision = {
  policy: 'flash-attn',
  outcome: 'raises',
  backend: null,
  error: 'FlashAttention only support fp16 and bf16 data type',
  verdicts: [{ backend: 'flash_attn.fa2', status: 'rejected', reasons: ['FlashAttention only support fp16 and bf16 data type'] }],
  warnings: [],
  notes: [],
};

const dependsOnMask: Decision = {
  policy: 'sdpa-cuda',
  outcome: 'depends',
  backend: 'sdpa.flash',
  verdicts: [
    { backend: 'sdpa.flash', status: 'depends', reasons: ['depends on whether mask is None'] },
    { backend: 'sdpa.efficient', status: 'accepted', reasons: [] },
  ],
  warnings: [],
  notes: [],
};

export const SAMPLE_REPORTS: readonly FileReport[] = [
  {
    path: 'model.py',
    parseErrors: [],
    internalErrors: [],
    calls: [
      {
        span: span(41, 13, 41, 61),
        api: 'F.scaled_dot_product_attention',
        function: 'SelfAttention.forward',
        modes: {
          train: mode(true, factsWith('float16', { mask: { kind: known('float', 'mask'), dtype: known('float16', 'mask') } }), flashRejectedForMask),
          infer: mode(true, factsWith('float16', { mask: { kind: known('none', 'None') } }), flashRuns),
        },
        findings: [{
          code: 'mask-disables-flash',
          severity: 'information',
          message: 'flash is off in training: attn_mask is not None',
          mode: 'train',
          span: span(41, 50, 41, 60),
        }],
      },
      {
        span: span(60, 9, 60, 35),
        api: 'flash_attn_func',
        function: 'Block.forward',
        modes: {
          train: mode(true, factsWith('float32', { api: 'flash_attn_func' }), float32Raises),
          infer: mode(false, factsWith('float16', { api: 'flash_attn_func' }), flashRuns,
            { blockedBy: { span: span(58, 12, 58, 21), why: '`attn_bias` is a float32 tensor' } }),
        },
        findings: [{
          code: 'dtype-unsupported',
          severity: 'error',
          message: 'q, k, v are float32 in training:\nFlashAttention only support fp16 and bf16 data type',
          mode: 'train',
          span: span(60, 25, 60, 32),
          fix: {
            title: 'Cast q, k, v to bfloat16',
            edits: [{ span: span(60, 25, 60, 26), newText: 'q.to(torch.bfloat16)' }, { span: span(60, 28, 60, 29), newText: 'k.to(torch.bfloat16)' }],
          },
        }],
      },
    ],
  },
  {
    path: 'sample.py',
    parseErrors: [],
    internalErrors: [],
    calls: [{
      span: span(7, 5, 7, 40),
      api: 'slow_attn',
      function: null,
      modes: {
        train: mode(null, factsWith(null), dependsOnMask),
        infer: mode(null, factsWith('bfloat16'), dependsOnMask, { assumed: ['flash_attn is installed and xformers is not installed'] }),
      },
      findings: [],
    }],
  },
  { path: 'broken.py', parseErrors: [{ span: span(3, 9, 3, 10), message: "expected ':'" }], internalErrors: [], calls: [] },
  {
    path: 'tree.py',
    parseErrors: [],
    internalErrors: [{ span: span(4, 5, 4, 5), message: 'internal error analysing `Tree.__init__`: RangeError: Maximum call stack size exceeded' }],
    calls: [],
  },
];
