/**
 * xformers `memory_efficient_attention` called directly (RULES.md): input validation raises; then
 * operators fa3 (Hopper) → fa2 → cutlass. A plain tensor bias leaves only cutlass; library mask
 * classes keep the flash operators eligible. Not autocast-aware.
 */
import { adviceFor, autocastDtype, castTarget, castsTo, dtypeWarning } from '../casts';
import { dependsOn, need, needHeads, OK, raises, rejected, type Condition } from '../check';
import { knownRawDtypes, type CallContext } from '../context';
import type { DtypeWarning, Verdict } from '../decision';
import type { Policy } from '../engine';
import type { Dtype, MaskKind } from '../facts';
import { xformers } from '../messages';
import { FLASH_MAX_HEAD_DIM } from '../head-dims';
import { installed } from './library';

const LOW: readonly Dtype[] = ['float16', 'bfloat16'];
const CUTLASS_DTYPES: readonly Dtype[] = ['float32', 'float16', 'bfloat16'];

/** A tensor bias (not a library mask class; `...WithTensorBias` classes carry one). */
function isTensorBias(kind: MaskKind, className: string | undefined): boolean {
  return kind === 'float' || kind === 'bool' || (kind === 'library' && (className ?? '').endsWith('WithTensorBias'));
}

const sameDtype: Condition = (c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, k, v) =>
  q === k && q === v ? OK : raises(xformers.sameDtype(q, k, v), 'q, k, v dtypes differ'));

/** In (B, M, H, K) layout xformers does not broadcast key/value heads. */
const sameHeads: Condition = (c) => needHeads(c, (h, kvh) =>
  h === kvh ? OK : raises(xformers.incompatibleShapes, `${kvh} kv heads for ${h} heads`));

/** A tensor bias must be exactly (B, H, Mq, Mkv). */
const biasShape: Condition = (c) => need([c.facts.mask.kind], (kind) => {
  const shape = c.facts.mask.shape;
  if (!isTensorBias(kind, c.facts.mask.className) || shape === undefined) return OK;
  const { batch, heads, seqQ, seqKv } = c.facts.shape;
  return need([shape, batch, heads, seqQ, seqKv], (s, b, h, lq, lk) => {
    const expected = [b, h, lq, lk];
    if (s.length === 4 && s.every((n, i) => n === expected[i])) return OK;
    if (s.length === 4 && s.every((n, i) => n === null || n === expected[i])) {
      return dependsOn(["the attention bias's full shape"]);
    }
    return raises(xformers.biasShape(s, expected), 'bias shape');
  });
});

const VALIDATION: readonly Condition[] = [installed('xformers', xformers.notInstalled), sameDtype, sameHeads, biasShape];

const onCuda: Condition = (c) => (c.env.device === 'cuda' ? OK : rejected(xformers.device(c.env.device), `device ${c.env.device}`));

function capability(min: number, text: string): Condition {
  return (c) => (c.env.sm >= min ? OK : rejected(xformers.capability(text, c.env.sm), `sm${c.env.sm}`));
}

function dtypeIn(supported: readonly Dtype[]): Condition {
  return (c) => need([c.dtypes.q], (q) => (supported.includes(q) ? OK : rejected(xformers.dtype(q, supported), q)));
}

const headDimAtMost256: Condition = (c) => need([c.facts.shape.headDim, c.facts.shape.headDimV], (d, dv) =>
  Math.max(d, dv) <= FLASH_MAX_HEAD_DIM ? OK : rejected(xformers.headDim(FLASH_MAX_HEAD_DIM), `head dim ${Math.max(d, dv)}`));

const noTensorBias: Condition = (c) => need([c.facts.mask.kind], (kind) =>
  isTensorBias(kind, c.facts.mask.className) ? rejected(xformers.tensorBias, 'tensor attn_bias') : OK);

const noDropout: Condition = (c) => need([c.facts.dropout], (p) => (p > 0 ? rejected(xformers.dropout, 'dropout') : OK));

const bf16NeedsSm80: Condition = (c) => need([c.dtypes.q], (q) =>
  q === 'bfloat16' && c.env.sm < 80 ? rejected(xformers.bf16, `bf16 on sm${c.env.sm}`) : OK);

/** Non-last bias strides must be multiples of 128 bits; for a contiguous (B, H, Mq, Mkv) bias that is Mkv. */
const biasAlignment: Condition = (c) => need([c.facts.mask.kind], (kind) => {
  if (!isTensorBias(kind, c.facts.mask.className)) return OK;
  const bits = (d: Dtype) => (d === 'float32' ? 32 : d === 'float64' ? 64 : 16);
  const biasDtype = kind === 'bool' || c.dtypes.bias === undefined ? c.dtypes.q : c.dtypes.bias;
  return need([biasDtype, c.facts.shape.seqKv], (d, lk) => {
    const alignment = 128 / bits(d);
    return lk % alignment === 0 ? OK : rejected(xformers.biasAlignment(alignment), `key length ${lk} not a multiple of ${alignment}`);
  });
});

const biasDtypeMatches: Condition = (c) => need([c.facts.mask.kind], (kind) => {
  if (kind !== 'float' || c.dtypes.bias === undefined) return OK;
  return need([c.dtypes.bias, c.dtypes.q], (b, q) => (b === q ? OK : rejected(xformers.biasDtype, 'bias dtype ≠ query dtype')));
});

function exhausted(_c: CallContext, verdicts: readonly Verdict[]): string {
  const ops = verdicts.map((v) => `\`${v.backend}\` is not supported because:\n    ${v.reasons.join('\n    ')}`);
  return [`${xformers.noOperator} with inputs:`, ...ops].join('\n');
}

function warnings(c: CallContext): DtypeWarning[] {
  const raw = knownRawDtypes(c.facts);
  const out: DtypeWarning[] = [];
  const { q, k, v } = raw;
  if (q && k && v && !(q === k && q === v)) {
    const qkv = { q, k, v };
    // A float bias must match q as the fix leaves it ("invalid dtype for bias"): cast with q, k, v, not against them.
    const withBias = raw.bias ? { ...qkv, bias: raw.bias } : qkv;
    out.push(...dtypeWarning('dtype-mismatch', xformers.sameDtype(q, k, v), withBias, castTarget(qkv, CUTLASS_DTYPES, autocastDtype(c) ?? 'float16')));
  }
  if (raw.bias && q && raw.bias !== q) {
    const casts = castsTo({ bias: raw.bias }, q);
    out.push({ code: 'bias-dtype', message: xformers.biasDtype, casts, advice: adviceFor(casts, q, { q }) });
  }
  return out;
}

function notes(c: CallContext): string[] {
  const ac = c.facts.autocast;
  return ac.known && ac.value !== null ? ['xformers is not autocast-aware: autocast does not cast its inputs ("we recommend that you cast all inputs to the same dtype")'] : [];
}

export const XFORMERS: Policy = {
  id: 'xformers',
  autocastAware: false,
  validation: VALIDATION,
  backends: [
    {
      backend: 'xformers.fa3',
      candidate: (c) => c.env.sm >= 90 && c.env.sm < 100,
      conditions: [onCuda, dtypeIn(LOW), headDimAtMost256, noTensorBias, noDropout],
    },
    { backend: 'xformers.fa2', conditions: [onCuda, capability(80, '> (8, 0)'), dtypeIn(LOW), headDimAtMost256, noTensorBias] },
    {
      backend: 'xformers.cutlass',
      conditions: [onCuda, capability(50, '> (5, 0)'), dtypeIn(CUTLASS_DTYPES), bf16NeedsSm80, biasAlignment, biasDtypeMatches],
    },
  ],
  exhausted,
  warnings,
  notes,
};
