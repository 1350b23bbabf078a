/**
 * What SDPA does the same on CUDA and CPU: input validation before any kernel, the math fallback,
 * and the dtype warnings and notes.
 */
import { adviceFor, castTarget, castsTo, dtypeWarning } from '../casts';
import { need, OK, raises, rejected, type BackendRule, type Condition } from '../check';
import { knownRawDtypes, torchAtLeast, type CallContext } from '../context';
import type { BackendId, DtypeWarning } from '../decision';
import { DTYPES, type Dtype } from '../facts';
import { torch } from '../messages';
import { gqaKeyword, mathHeads } from './sdpa-heads';
import { switchedOn } from './sdpa-switches';

const onTorchDevice: Condition = (c) =>
  c.env.device === 'cuda' || c.env.device === 'cpu' ? OK
    : raises(`PyTorch runs on cuda or cpu, not ${c.env.device}: set the device to cuda or cpu`, `device ${c.env.device}`);

const sameDtype: Condition = (c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, k, v) =>
  q === k && q === v ? OK : raises(torch.sameDtype(q, k, v), 'q, k, v dtypes differ'));

/** A float mask must be float32 or the query's dtype (bool masks are always fine). */
const maskDtype: Condition = (c) => need([c.facts.mask.kind], (kind) => {
  if (kind !== 'float' || c.dtypes.bias === undefined) return OK;
  return need([c.dtypes.bias, c.dtypes.q], (bias, q) =>
    bias === 'float32' || bias === q ? OK : raises(torch.maskDtype(bias, q), 'attn_mask dtype'));
});

export const SDPA_VALIDATION: readonly Condition[] = [onTorchDevice, gqaKeyword, sameDtype, maskDtype];

/** Only the math path checks this, so a fused kernel that takes both masks runs (RULES.md). */
const maskWithCausal: Condition = (c) => need([c.facts.causal], (causal) => !causal ? OK
  : need([c.facts.mask.kind], (kind) => kind === 'none' ? OK : raises(torch.maskWithCausal, 'attn_mask with is_causal')));

export const MATH: BackendRule = { backend: 'sdpa.math', conditions: [switchedOn('math'), maskWithCausal, mathHeads] };

/**
 * Every fused kernel, on CUDA and CPU, takes 4-D q, k, v only (`check_tensor_shapes`): 3-D inputs
 * run the math kernel, and PyTorch says so only when a fused kernel was forced. Silent where the
 * code does not show the ranks.
 */
export const fourDimensional: Condition = (c) => {
  const ranks = c.facts.shape.ranks;
  if (!ranks) return OK;
  return need([ranks], ({ q, k, v }) => q === 4 && k === 4 && v === 4 ? OK
    : rejected(torch.fusedRank(!torchAtLeast(c.env, 2, 2), q, k, v), q === k && k === v ? `${q}-D inputs` : `${q}-D/${k}-D/${v}-D inputs`));
};

/**
 * `check_attn_mask_shape` (cuDNN; the CPU's flash kernel): a mask of 2 or 4 dims, broadcastable.
 * Only its number of dims is judged here; silent where the code does not show it.
 */
export const attnMaskShape: Condition = (c) => need([c.facts.mask.kind], (kind) => {
  const shape = c.facts.mask.shape;
  if (kind === 'none' || shape === undefined) return OK;
  return need([shape], (s) => s.length === 2 || s.length === 4 ? OK : rejected(torch.attnMaskShapes, `${s.length}-D attn_mask`));
});

/** Rejects the backend when any attn_mask is passed. */
export function noMask(message: string): Condition {
  return (c) => need([c.facts.mask.kind], (kind) => kind === 'none' ? OK : rejected(message, 'attn_mask is not None'));
}

/** Rejects unless q, k, v (as the kernel sees them) are one of `allowed`. */
export function dtypeIn(allowed: readonly Dtype[], message = torch.dtypes): Condition {
  return (c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, k, v) =>
    [q, k, v].every((d) => allowed.includes(d)) ? OK : rejected(message(allowed, q, k, v), q === k && k === v ? q : 'mixed dtypes'));
}

export function sdpaWarnings(c: CallContext): DtypeWarning[] {
  const raw = knownRawDtypes(c.facts);
  const qkv = { q: raw.q, k: raw.k, v: raw.v };
  const out: DtypeWarning[] = [];
  const outsideAutocast = c.facts.autocast.known && c.facts.autocast.value === null;
  if (outsideAutocast && qkv.q && qkv.k && qkv.v && !(qkv.q === qkv.k && qkv.q === qkv.v)) {
    // A float bias must match q as the fix leaves it: cast with q, k, v, not against them.
    const withBias = raw.bias ? { ...qkv, bias: raw.bias } : qkv;
    out.push(...dtypeWarning('dtype-mismatch', torch.sameDtype(qkv.q, qkv.k, qkv.v), withBias, castTarget(qkv, DTYPES, 'float32')));
  }
  out.push(...biasWarning(c, raw.bias));
  return out;
}

/**
 * A float bias in another dtype than q: validation raises unless it is float32; a float32 one
 * passes validation but the CUDA memory-efficient kernel raises (RULES.md).
 */
function biasWarning(c: CallContext, rawBias: Dtype | undefined): DtypeWarning[] {
  const { bias, q } = c.dtypes;
  if (!rawBias || !bias?.known || !q.known || bias.value === q.value) return [];
  const kernelRaises = c.env.device === 'cuda' && torchAtLeast(c.env, 2, 1);
  if (bias.value === 'float32' && !kernelRaises) return [];
  const message = bias.value === 'float32' ? torch.biasDtype : torch.maskDtype(bias.value, q.value);
  const casts = castsTo({ bias: rawBias }, q.value);
  const raisedBy = bias.value === 'float32' ? { raisedBy: { backend: 'sdpa.efficient', when: 'SDPA picks its memory-efficient kernel' } } : {};
  return [{ code: 'bias-dtype', message, casts, advice: adviceFor(casts, q.value, { q: q.value }), ...raisedBy }];
}

export function sdpaNotes(c: CallContext, chosen: BackendId | null): string[] {
  const notes: string[] = [];
  const ac = c.facts.autocast;
  if (ac.known && ac.value !== null) notes.push(`autocast casts q, k, v${c.dtypes.bias ? ' and the float attn_mask' : ''} to ${ac.value} before SDPA picks a kernel (float64 inputs excepted)`);
  if (chosen === 'sdpa.math') {
    const { seqQ, seqKv } = c.facts.shape;
    const size = seqQ.known && seqKv.known ? `${seqQ.value}×${seqKv.value}` : 'Lq×Lk';
    notes.push(`the math kernel materialises the ${size} score matrix per head: memory grows with Lq×Lk`);
  }
  return notes;
}

/** A rejection's short text for q/k and v head sizes. */
export const headDimShort = (d: number, dv: number): string => (d === dv ? `head dim ${d}` : `head dims ${d}/${dv}`);
