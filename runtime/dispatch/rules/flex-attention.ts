/**
 * FlexAttention (`torch.nn.attention.flex_attention.flex_attention`): its Python checks raise first;
 * then under `torch.compile` Inductor generates a fused kernel, and called eagerly PyTorch runs its
 * unfused reference implementation (`torch.compile(…, backend="eager")`), which materialises the
 * scores. Sources: docs/dispatch.md.
 */
import { castTarget, dtypeWarning } from '../casts';
import { need, needHeads, OK, raises, rejected, type Condition } from '../check';
import { knownRawDtypes, type CallContext } from '../context';
import type { DtypeWarning } from '../decision';
import type { Policy } from '../engine';
import { flex } from '../messages';

const sameDtype: Condition = (c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, k, v) =>
  (q === k && q === v ? OK : raises(flex.sameDtype(q, k, v), 'q, k, v dtypes differ')));

/** Only where the code shows the ranks: flex_attention has no other use for a 3-D input. */
const fourDimensional: Condition = (c) => {
  const ranks = c.facts.shape.ranks;
  if (!ranks) return OK;
  return need([ranks], (r) => (r.q === 4 && r.k === 4 && r.v === 4 ? OK : raises(flex.rank, `${r.q}-D inputs`)));
};

const heads: Condition = (c) => {
  const gqa = c.facts.enableGqa ?? { known: true as const, value: false, source: 'enable_gqa is not passed' };
  return needHeads(c, (hq, hkv) => hq === hkv ? OK
    : need([gqa], (grouped) => !grouped ? raises(flex.heads(hq, hkv), 'grouped heads without enable_gqa')
      : hq % hkv === 0 ? OK : raises(flex.gqaDivide(hq, hkv), 'heads not a multiple')));
};

const compiled: Condition = (c) => need([c.facts.compiled ?? { known: false as const, dependsOn: 'whether it runs under torch.compile' }], (yes) =>
  (yes ? OK : rejected(flex.eager, 'without torch.compile')));

/** Mixed q, k, v raise; the fix casts to the lowest-precision dtype present (every float dtype is accepted). */
function warnings(c: CallContext): DtypeWarning[] {
  const { q, k, v } = knownRawDtypes(c.facts);
  if (!q || !k || !v || (q === k && q === v)) return [];
  const qkv = { q, k, v };
  return dtypeWarning('dtype-mismatch', flex.sameDtype(q, k, v), qkv, castTarget(qkv, ['float16', 'bfloat16', 'float32', 'float64'], q));
}

export const FLEX_ATTENTION: Policy = {
  id: 'flex-attention',
  autocastAware: false,
  validation: [sameDtype, fourDimensional, heads],
  backends: [
    { backend: 'flex.compiled', conditions: [compiled] },
    { backend: 'flex.eager', conditions: [] },
  ],
  warnings,
  notes: (_c, chosen) => (chosen === 'flex.eager' ? ['the unfused reference path materialises the L×S scores per head'] : []),
};
