/**
 * Hand-built FileReports for the server's tests: the motivating case (an SDPA call whose training
 * path passes a bias, and a flash_attn_func call whose q is float32), written as the analysis would.
 */
import { known, unknown, type CallFacts, type Dtype } from '../../runtime/dispatch/facts';
import type { Decision } from '../../runtime/dispatch/decision';
import type { CallReport, FileReport, Span } from '../../extension/analysis/report';

export function span(line: number, column: number, endLine: number, endColumn: number): Span {
  return { line, column, endLine, endColumn };
}

function facts(dtype: Dtype, source: string, mask: 'none' | 'float', seqQ: number | null): CallFacts {
  return {
    api: 'sdpa',
    mode: known('train', 'test'),
    dtypes: { q: known(dtype, source), k: known(dtype, source), v: known(dtype, source) },
    autocast: known(null, 'no autocast region'),
    mask: { kind: known(mask, mask === 'none' ? 'attn_mask=None at model.py:30' : 'attn_bias at model.py:12') },
    causal: known(false, 'default'),
    dropout: known(0, 'default'),
    shape: {
      batch: unknown('the batch size'),
      heads: known(8, 'n_head = 8 at model.py:5'),
      kvHeads: unknown('the key/value heads'),
      seqQ: seqQ === null ? unknown('the sequence length') : known(seqQ, 'block_size at model.py:6'),
      seqKv: unknown('the key length'),
      headDim: known(64, 'n_embd // n_head at model.py:7'),
      headDimV: known(64, 'n_embd // n_head at model.py:7'),
    },
    layout: known('BHLD', 'sdpa'),
  };
}

const SDPA_VERDICTS_TRAIN: Decision = {
  policy: 'sdpa-cuda', outcome: 'runs', backend: 'sdpa.efficient',
  verdicts: [
    { backend: 'sdpa.flash', status: 'rejected', reasons: ['Flash Attention does not support non-null attn_mask.'] },
    { backend: 'sdpa.efficient', status: 'accepted', reasons: [] },
    { backend: 'sdpa.math', status: 'accepted', reasons: [] },
  ],
  warnings: [], notes: [],
};

const SDPA_VERDICTS_INFER: Decision = {
  policy: 'sdpa-cuda', outcome: 'runs', backend: 'sdpa.flash',
  verdicts: [
    { backend: 'sdpa.flash', status: 'accepted', reasons: [] },
    { backend: 'sdpa.efficient', status: 'accepted', reasons: [] },
    { backend: 'sdpa.math', status: 'accepted', reasons: [] },
  ],
  warnings: [], notes: [],
};

const FLASH_RAISES: Decision = {
  policy: 'flash-attn', outcome: 'raises', backend: null,
  error: 'FlashAttention only support fp16 and bf16 data type',
  verdicts: [{ backend: 'flash_attn.fa2', status: 'rejected', reasons: ['FlashAttention only support fp16 and bf16 data type'] }],
  warnings: [{ code: 'dtype-unsupported', message: 'FlashAttention only support fp16 and bf16 data type', casts: [{ tensor: 'q', from: 'float32', to: 'float16' }] }],
  notes: [],
};

export const SDPA_CALL: CallReport = {
  span: span(20, 13, 20, 71),
  api: 'F.scaled_dot_product_attention',
  function: 'SelfAttention.forward',
  modes: {
    train: { reached: true, facts: facts('float16', '`.half()` at model.py:18', 'float', 256), decision: SDPA_VERDICTS_TRAIN },
    infer: { reached: true, facts: facts('float16', '`.half()` at model.py:18', 'none', 256), decision: SDPA_VERDICTS_INFER },
  },
  findings: [{
    code: 'mask-disables-flash', severity: 'information', mode: 'train',
    message: 'attn_mask is not None on this path: Flash Attention does not support non-null attn_mask.',
    span: span(20, 55, 20, 70),
  }],
};

export const FLASH_CALL: CallReport = {
  span: span(30, 9, 30, 38),
  api: 'flash_attn_func',
  function: 'SelfAttention.decode',
  modes: {
    train: { reached: false, facts: facts('float32', 'F.normalize at model.py:28', 'none', null), decision: FLASH_RAISES },
    infer: { reached: true, facts: facts('float32', 'F.normalize at model.py:28', 'none', null), decision: FLASH_RAISES },
  },
  findings: [{
    code: 'dtype-unsupported', severity: 'error', mode: 'infer',
    message: 'FlashAttention only support fp16 and bf16 data type: q is float32 (F.normalize at model.py:28)',
    span: span(30, 25, 30, 26),
    fix: { title: 'Cast q, k, v to float16', edits: [{ span: span(30, 25, 30, 32), newText: 'q.half(), k.half(), v.half()' }] },
  }],
  args: { q: span(30, 25, 30, 26), k: span(30, 28, 30, 29), v: span(30, 31, 30, 32) },
};

export function report(path: string, calls: readonly CallReport[] = [SDPA_CALL, FLASH_CALL]): FileReport {
  return { path, parseErrors: [], internalErrors: [], calls };
}
