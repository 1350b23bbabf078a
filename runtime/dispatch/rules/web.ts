/**
 * Attention Lens' own runtime on onnxruntime-web: fused (MultiHeadAttention) → gqa (grouped heads
 * only) → math, over the capabilities the kernels declare for the provider in use. A kernel that
 * failed parity carries its reason and is never chosen. None of the kernels implement dropout.
 */
import { castTarget, dtypeWarning } from '../casts';
import { need, needHeads, OK, raises, rejected, type BackendRule, type Condition } from '../check';
import { knownRawDtypes, type CallContext } from '../context';
import type { DtypeWarning } from '../decision';
import type { Policy } from '../engine';
import type { KernelCapability } from '../capabilities';
import type { Dtype } from '../facts';

const ORDER = ['fused', 'gqa', 'math'] as const;

function capabilityOf(c: CallContext, kernel: string): KernelCapability | undefined {
  return c.web.find((cap) => cap.kernel === kernel && cap.provider === c.env.device);
}

/** One check over the kernel's declared capability; a kernel not declared for this provider is rejected. */
function cap(kernel: string, test: (cap: KernelCapability, c: CallContext) => ReturnType<Condition>): Condition {
  return (c) => {
    const found = capabilityOf(c, kernel);
    return found ? test(found, c) : rejected(`kernel \`${kernel}\` is not available on ${c.env.device}`, `no ${kernel} on ${c.env.device}`);
  };
}

function conditions(kernel: string): Condition[] {
  return [
    cap(kernel, (k) => (k.status.ok ? OK : rejected(k.status.reason, 'broken'))),
    cap(kernel, (k, c) => need([c.dtypes.q, c.dtypes.k, c.dtypes.v], (q, kd, v) => {
      if (!(q === kd && q === v)) return rejected(sameDtypeMessage(q, kd, v), 'mixed dtypes');
      return k.dtypes.includes(q) ? OK : rejected(`${kernel} takes ${k.dtypes.join(', ')} on ${k.provider}, not ${q}`, q);
    })),
    cap(kernel, (k, c) => need([c.facts.mask.kind], (mask) =>
      k.masks.includes(mask) ? OK : rejected(`${kernel} takes no ${mask} mask on ${k.provider}`, `${mask} mask`))),
    cap(kernel, (k, c) => need([c.facts.causal], (causal) =>
      !causal || k.causal ? OK : rejected(`${kernel} has no causal option on ${k.provider}`, 'causal'))),
    cap(kernel, (k, c) => !k.causalOnly ? OK : need([c.facts.causal], (causal) =>
      causal ? OK : rejected(`${kernel} is always causal on ${k.provider}; this call is not causal`, 'not causal'))),
    cap(kernel, (k, c) => k.crossLengths ? OK : need([c.facts.shape.seqQ, c.facts.shape.seqKv], (lq, lk) =>
      lq === lk ? OK : rejected(`${kernel} needs equal query and key lengths on ${k.provider}, got ${lq} and ${lk}`, 'Lq ≠ Lk'))),
    cap(kernel, (k, c) => {
      const max = k.maxHeadDim;
      return max === null ? OK : need([c.facts.shape.headDim], (d) =>
        d <= max ? OK : rejected(`${kernel} takes head dims up to ${max} on ${k.provider}, got ${d}`, `head dim ${d}`));
    }),
    cap(kernel, (k, c) => k.groupedHeads ? OK : needHeads(c, (h, kvh) =>
      kvh === h ? OK : rejected(`${kernel} needs as many key/value heads as query heads on ${k.provider}, got ${kvh} for ${h}`, 'grouped heads'))),
  ];
}

function sameDtypeMessage(q: Dtype, k: Dtype, v: Dtype): string {
  return `q, k and v must have one dtype, got q: ${q}, k: ${k}, v: ${v}`;
}

/** gqa is a candidate only for grouped-query heads (or when that is not known). */
function groupedOrUnknown(c: CallContext): boolean {
  const { heads, kvHeads } = c.facts.shape;
  return !(heads.known && kvHeads.known) || kvHeads.value < heads.value;
}

const BACKENDS: readonly BackendRule[] = ORDER.map((kernel) => ({
  backend: `web.${kernel}`,
  ...(kernel === 'gqa' ? { candidate: groupedOrUnknown } : {}),
  conditions: conditions(kernel),
}));

const onRuntimeDevice: Condition = (c) => c.env.device === 'webgpu' || c.env.device === 'wasm' ? OK
  : raises(`the runtime runs on webgpu or wasm, not ${c.env.device}`, `device ${c.env.device}`);

function warnings(c: CallContext): DtypeWarning[] {
  const { q, k, v } = knownRawDtypes(c.facts);
  if (!q || !k || !v || (q === k && q === v)) return [];
  const accepted = [...new Set(c.web.filter((w) => w.provider === c.env.device && w.status.ok).flatMap((w) => w.dtypes))];
  const qkv = { q, k, v };
  return dtypeWarning('dtype-mismatch', sameDtypeMessage(q, k, v), qkv, castTarget(qkv, accepted, 'float32'));
}

function notes(c: CallContext): string[] {
  const p = c.facts.dropout;
  return p.known && p.value > 0 ? [`dropout ${p.value} is not implemented by the runtime: measured without dropout`] : [];
}

export const WEB: Policy = {
  id: 'web',
  autocastAware: false,
  validation: [onRuntimeDevice],
  backends: BACKENDS,
  exhausted: (c) => `no runtime kernel on ${c.env.device} accepts this call`,
  warnings,
  notes,
};
