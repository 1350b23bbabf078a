/**
 * flash-attn's functions called directly: one kernel, whose checks raise in this order (RULES.md):
 * GPU sm80+, q's dtype, k's, v's, head dim. Not autocast-aware, and there is no mask argument.
 */
import { autocastDtype, castTarget, dtypeWarning } from '../casts';
import { need, OK, raises, type Condition } from '../check';
import { knownRawDtypes, type CallContext } from '../context';
import type { DtypeWarning } from '../decision';
import type { Policy } from '../engine';
import type { Dtype } from '../facts';
import { flashAttn } from '../messages';
import { FLASH_MAX_HEAD_DIM } from '../head-dims';
import { installed } from './library';

export const LOW: readonly Dtype[] = ['float16', 'bfloat16'];

const VALIDATION: readonly Condition[] = [
  installed('flash_attn', flashAttn.notInstalled),
  (c) => (c.env.device === 'cuda' ? OK : raises(flashAttn.notCuda, `device ${c.env.device}`)),
  (c) => (c.env.sm >= 80 ? OK : raises(flashAttn.gpu, `sm${c.env.sm}`)),
  (c) => need([c.dtypes.q], (q) => (LOW.includes(q) ? OK : raises(flashAttn.dtype, `q is ${q}`))),
  (c) => need([c.dtypes.q, c.dtypes.k], (q, k) => (q === k ? OK : raises(flashAttn.keyDtype, 'q, k dtypes differ'))),
  (c) => need([c.dtypes.q, c.dtypes.v], (q, v) => (q === v ? OK : raises(flashAttn.valueDtype, 'q, v dtypes differ'))),
  (c) => need([c.facts.shape.headDim], (d) => (d <= FLASH_MAX_HEAD_DIM ? OK : raises(flashAttn.headDim, `head dim ${d}`))),
];

/** The dtype error a flash-attention version raises first for these dtypes, if any. */
export type FirstDtypeError = (q: Dtype, k: Dtype, v: Dtype) => { code: DtypeWarning['code']; message: string } | null;

/** flash-attn 2's and 3's order: q's dtype, then k against q, then v against q, each in that version's words. */
export function queryFirstDtypeError(messages: { readonly dtype: string; readonly keyDtype: string; readonly valueDtype: string }): FirstDtypeError {
  return (q, k, v) => {
    if (!LOW.includes(q)) return { code: 'dtype-unsupported', message: messages.dtype };
    if (k !== q) return { code: 'dtype-mismatch', message: messages.keyDtype };
    if (v !== q) return { code: 'dtype-mismatch', message: messages.valueDtype };
    return null;
  };
}

/** The dtype problem a flash-attention version raises for, with casts to fp16/bf16. */
export function flashDtypeWarnings(firstError: FirstDtypeError): (c: CallContext) => DtypeWarning[] {
  return (c) => {
    const { q, k, v } = knownRawDtypes(c.facts);
    if (!q || !k || !v) return [];
    const problem = firstError(q, k, v);
    if (!problem) return [];
    const qkv = { q, k, v };
    // When no input is low-precision yet: the autocast dtype of the run, else bfloat16 (flash needs sm80+,
    // which has it, and it keeps float32's range).
    return dtypeWarning(problem.code, problem.message, qkv, castTarget(qkv, LOW, autocastDtype(c) ?? 'bfloat16'));
  };
}

/** Layout and causal alignment, shared by every flash-attention version (all take (B, L, H, D), causal bottom-right). */
export function flashNotes(c: CallContext): string[] {
  const out: string[] = [];
  const { layout, causal, autocast, shape } = c.facts;
  if (layout.known && layout.value === 'BHLD') out.push('flash-attn takes (batch, seqlen, nheads, headdim); these tensors are (batch, heads, seq, dim): transpose(1, 2) first');
  if (causal.known && causal.value && shape.seqQ.known && shape.seqKv.known && shape.seqQ.value !== shape.seqKv.value) {
    out.push('causal=True aligns the mask to the bottom-right when Lq ≠ Lk (SDPA\'s is_causal aligns it top-left)');
  }
  if (autocast.known && autocast.value !== null) out.push('flash-attn is not autocast-aware: autocast does not cast its inputs');
  return out;
}

export const FLASH_ATTN: Policy = {
  id: 'flash-attn',
  autocastAware: false,
  validation: VALIDATION,
  backends: [{ backend: 'flash_attn.fa2', conditions: [] }],
  warnings: flashDtypeWarnings(queryFirstDtypeError(flashAttn)),
  notes: flashNotes,
};
