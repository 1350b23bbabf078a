/**
 * `attend(q, k, v, options)`: attention on real tensors. Validates shapes and dtypes at the
 * boundary (errors name the bad argument and dimension), converts dtypes only when asked
 * (`options.dtype`; the default is no conversion) and reports each conversion as a warning,
 * lets the shared dispatch policy choose among the kernels that passed parity on the provider,
 * runs it on a cached session and returns output, Decision and latency.
 */
import { fromHalfBits, toHalfBits } from '../kernels/half';
import type { KernelConfig, KernelDtype, KernelId, MaskSpec } from '../kernels/kernel';
import type { ProviderName } from './dispatch/capabilities';
import type { Decision } from './dispatch/decision';
import { known, type CallFacts, type Dtype, type Environment } from './dispatch/facts';
import { decide } from './dispatch/policy';
import { describeConfig } from './describe';
import { refusal, type FloatData } from './kernel-session';
import type { Runtime } from './runtime';

/** A dense tensor. float16 data is IEEE binary16 bit patterns in a Uint16Array (Node has no Float16Array). */
export interface AttendTensor {
  readonly dtype: Dtype;
  readonly dims: readonly number[];
  readonly data: Float64Array | Float32Array | Uint16Array;
}

export type AttendMask =
  | { readonly kind: 'float'; readonly tensor: AttendTensor }
  /** true (1) = attend, PyTorch SDPA's convention. */
  | { readonly kind: 'bool'; readonly dims: readonly number[]; readonly data: Uint8Array };

export interface AttendOptions {
  /** Additive float bias or boolean mask, [B|1, H|1, Lq, Lk]. */
  readonly mask?: AttendMask;
  /** Bottom-right aligned: query i sees keys j ≤ i + Lk − Lq. */
  readonly causal?: boolean;
  /** Softmax scale. @defaultValue 1/√D */
  readonly scale?: number;
  /** Reported only: the runtime's kernels have no dropout, so the call is measured without it. */
  readonly dropout?: number;
  readonly provider?: ProviderName | 'auto';
  /** Convert q, k, v (and a float mask) to this dtype first; each conversion is a warning. @defaultValue none */
  readonly dtype?: KernelDtype;
}

export interface AttendResult {
  readonly output: AttendTensor;
  readonly decision: Decision;
  readonly kernel: KernelId;
  readonly provider: ProviderName;
  /** Why this provider (from the registry). */
  readonly providerWhy: string;
  /** `session.run` time of this call, in ms. */
  readonly latencyMs: number;
  /** Conversions made, and the policy's dtype warnings and notes. */
  readonly warnings: readonly string[];
}

const ARRAY_OF: Record<Dtype, string> = { float16: 'Uint16Array', bfloat16: '(unsupported)', float32: 'Float32Array', float64: 'Float64Array' };
const DIM_NAMES = ['batch', 'heads', 'seq', 'head_dim'];

function checkTensor(name: string, t: AttendTensor): void {
  if (t === null || typeof t !== 'object') throw new TypeError(`${name} must be a tensor {dtype, dims, data}`);
  if (!(t.dtype in ARRAY_OF)) throw new TypeError(`${name}.dtype must be float16, float32 or float64, got ${String(t.dtype)}`);
  if (t.dtype === 'bfloat16') throw new TypeError(`${name}.dtype bfloat16 is not supported by the runtime (no bfloat16 kernels in onnxruntime-web); convert to float32`);
  if (!Array.isArray(t.dims) || t.dims.length !== 4) throw new RangeError(`${name} must have 4 dims [batch, heads, seq, head_dim], got ${JSON.stringify(t.dims)}`);
  t.dims.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`${name}.dims[${i}] (${DIM_NAMES[i]}) must be a positive integer, got ${d}`);
  });
  if (t.data?.constructor?.name !== ARRAY_OF[t.dtype]) throw new TypeError(`${name} is ${t.dtype}, so its data must be a ${ARRAY_OF[t.dtype]}, got ${t.data?.constructor?.name}`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new RangeError(`${name}.data has ${t.data.length} elements; dims ${JSON.stringify(t.dims)} need ${n}`);
}

function same(what: string, a: number, b: number, aName: string, bName: string): void {
  if (a !== b) throw new RangeError(`${what} differs: ${aName} is ${a}, ${bName} is ${b}`);
}

/** Shapes and mask spec after validation. */
function validate(q: AttendTensor, k: AttendTensor, v: AttendTensor, o: AttendOptions): { shape: KernelConfig['shape']; mask: MaskSpec } {
  checkTensor('q', q); checkTensor('k', k); checkTensor('v', v);
  const [B, H, Lq, D] = q.dims;
  const [, Hkv, Lk] = k.dims;
  same('batch', k.dims[0], B, 'k.dims[0]', 'q.dims[0]');
  same('batch', v.dims[0], B, 'v.dims[0]', 'q.dims[0]');
  same('head_dim', k.dims[3], D, 'k.dims[3]', 'q.dims[3]');
  same('heads', v.dims[1], Hkv, 'v.dims[1]', 'k.dims[1]');
  same('kv seq', v.dims[2], Lk, 'v.dims[2]', 'k.dims[2]');
  if (H % Hkv !== 0) throw new RangeError(`q's heads (q.dims[1] = ${H}) must be a multiple of k's heads (k.dims[1] = ${Hkv})`);
  const shape = { batch: B, heads: H, kvHeads: Hkv, seqQ: Lq, seqKv: Lk, headDim: D, headDimV: v.dims[3] };
  if (!o.mask) return { shape, mask: { kind: 'none' } };
  const dims = o.mask.kind === 'float' ? o.mask.tensor.dims : o.mask.dims;
  if (o.mask.kind === 'float') checkTensor('options.mask.tensor', o.mask.tensor);
  else if (!(o.mask.data instanceof Uint8Array) || o.mask.data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new TypeError(`options.mask.data must be a Uint8Array of ${dims.reduce((a, b) => a * b, 1)} 0/1 values for dims ${JSON.stringify(dims)}`);
  }
  if (dims.length !== 4) throw new RangeError(`options.mask must have 4 dims [batch|1, heads|1, ${Lq}, ${Lk}], got ${JSON.stringify(dims)}`);
  if (dims[0] !== 1 && dims[0] !== B) throw new RangeError(`options.mask.dims[0] (batch) must be 1 or ${B}, got ${dims[0]}`);
  if (dims[1] !== 1 && dims[1] !== H) throw new RangeError(`options.mask.dims[1] (heads) must be 1 or ${H}, got ${dims[1]}`);
  same('mask query length', dims[2], Lq, 'options.mask.dims[2]', 'q.dims[2]');
  same('mask key length', dims[3], Lk, 'options.mask.dims[3]', 'k.dims[2]');
  return { shape, mask: { kind: o.mask.kind, batch: dims[0], heads: dims[1] } };
}

function values(t: AttendTensor): ArrayLike<number> {
  return t.data instanceof Uint16Array ? Float64Array.from(t.data, fromHalfBits) : t.data;
}

/** t in `dtype`'s storage; a warning when that is a conversion. */
function convert(name: string, t: AttendTensor, dtype: KernelDtype, warnings: string[]): FloatData {
  if (t.dtype === dtype) return t.data as FloatData;
  warnings.push(`${name} converted from ${t.dtype} to ${dtype} (options.dtype)`);
  return dtype === 'float16' ? Uint16Array.from(values(t), toHalfBits) : Float32Array.from(values(t));
}

function callFacts(q: AttendTensor, k: AttendTensor, v: AttendTensor, shape: KernelConfig['shape'], mask: MaskSpec, o: AttendOptions): CallFacts {
  const src = 'runtime tensor';
  return {
    api: 'runtime',
    mode: known('infer', src),
    dtypes: { q: known(q.dtype, src), k: known(k.dtype, src), v: known(v.dtype, src) },
    autocast: known(null, src),
    mask: {
      kind: known(mask.kind, src),
      ...(o.mask?.kind === 'float' ? { dtype: known(o.mask.tensor.dtype, src) } : {}),
      ...(mask.kind !== 'none' ? { shape: known([mask.batch, mask.heads, shape.seqQ, shape.seqKv], src) } : {}),
    },
    causal: known(o.causal ?? false, src),
    dropout: known(o.dropout ?? 0, src),
    shape: {
      batch: known(shape.batch, src), heads: known(shape.heads, src), kvHeads: known(shape.kvHeads, src),
      seqQ: known(shape.seqQ, src), seqKv: known(shape.seqKv, src), headDim: known(shape.headDim, src), headDimV: known(shape.headDimV, src),
    },
    layout: known('BHLD', src),
  };
}

/** The policy's environment for a runtime provider; the torch/sm fields do not apply to it. */
function environment(device: ProviderName): Environment {
  const no = known(false, 'runtime');
  return { device, torch: [0, 0], sm: 0, installed: { flash_attn: no, xformers: no } };
}

const KERNEL_OF_BACKEND = /^web\.(.+)$/;

/** What attend() settles once per call signature: the decision and the kernel that runs it. */
export interface CallPlan {
  readonly decision: Decision;
  readonly kernel: KernelId;
  readonly config: KernelConfig;
  readonly provider: ProviderName;
  readonly providerWhy: string;
  /** The policy's warnings and notes (conversions are added per call). */
  readonly warnings: readonly string[];
}

/**
 * Everything the plan depends on besides the runtime's parity (fixed per runtime): dtypes, shape,
 * mask, causal, scale, dropout, provider and target dtype.
 */
function planKey(q: AttendTensor, k: AttendTensor, v: AttendTensor, shape: KernelConfig['shape'], mask: MaskSpec, o: AttendOptions): string {
  const maskDtype = o.mask?.kind === 'float' ? o.mask.tensor.dtype : '';
  return JSON.stringify([q.dtype, k.dtype, v.dtype, o.dtype ?? '', shape, mask, maskDtype, o.causal ?? false, o.scale ?? null, o.dropout ?? 0, o.provider ?? 'auto']);
}

async function makePlan(runtime: Runtime, q: AttendTensor, k: AttendTensor, v: AttendTensor, shape: KernelConfig['shape'], mask: MaskSpec, options: AttendOptions): Promise<CallPlan> {
  const target = options.dtype;
  const dq = target ? { ...q, dtype: target } : q;
  const dk = target ? { ...k, dtype: target } : k;
  const dv = target ? { ...v, dtype: target } : v;
  const resolved = await runtime.provider(options.provider ?? 'auto');
  const provider = resolved.info.name;
  const capabilities = await runtime.capabilities(provider);
  const decision = decide(callFacts(dq, dk, dv, shape, mask, options), environment(provider), capabilities);
  const warnings = [...decision.warnings.map((w) => w.message), ...decision.notes];
  if (decision.outcome !== 'runs') {
    const verdicts = decision.verdicts.map((x) => `${x.backend}: ${x.reasons.join('; ')}`).join(' | ');
    const dtypeWhy = [...new Set(capabilities.map((c) => c.refusedDtypes?.[dq.dtype]).filter((r): r is string => !!r))];
    throw new Error(`${decision.error ?? `no kernel runs this call on ${provider}`} (${verdicts})${dtypeWhy.length ? `; ${dq.dtype}: ${dtypeWhy.join('; ')}` : ''}`);
  }
  const dtype = dq.dtype as KernelDtype;
  const config: KernelConfig = { shape, dtype, mask, causal: options.causal ?? false, ...(options.scale === undefined ? {} : { scale: options.scale }) };
  // The policy judges capability records; shape limits it cannot see (e.g. GQA's batch rule) are checked here.
  const accepted = decision.verdicts.filter((x) => x.status === 'accepted').map((x) => KERNEL_OF_BACKEND.exec(x.backend)?.[1] as KernelId);
  const refusals = accepted.map((kernel) => ({ kernel, why: refusal(kernel, config, resolved.info) }));
  const chosen = refusals.find((r) => r.why === null);
  if (!chosen) throw new Error(`no kernel runs ${describeConfig(config)} on ${provider}: ${refusals.map((r) => r.why).join('; ')}`);
  if (chosen.kernel !== decision.backend?.slice(4)) warnings.push(`policy chose ${decision.backend}, which refuses this shape (${refusals[0].why}); ran ${chosen.kernel}`);
  return { decision, kernel: chosen.kernel, config, provider, providerWhy: resolved.why, warnings };
}

export async function attend(runtime: Runtime, q: AttendTensor, k: AttendTensor, v: AttendTensor, options: AttendOptions = {}): Promise<AttendResult> {
  const { shape, mask } = validate(q, k, v, options);
  // The decision is the same for every call with this signature; deciding each time cost about 40 µs, 4 % of a 1 ms kernel.
  const plan = await runtime.callPlan(planKey(q, k, v, shape, mask, options), () => makePlan(runtime, q, k, v, shape, mask, options));
  const { config, kernel, provider } = plan;
  const dtype = config.dtype;
  const session = await runtime.cachedSession(kernel, config, provider);
  const warnings = [...plan.warnings];
  const feeds = {
    q: convert('q', q, dtype, warnings), k: convert('k', k, dtype, warnings), v: convert('v', v, dtype, warnings),
    ...(options.mask?.kind === 'bool' ? { mask: options.mask.data } : {}),
    ...(options.mask?.kind === 'float' ? { mask: convert('mask', options.mask.tensor, dtype, warnings) } : {}),
  };
  const run = await session.run(feeds);
  return {
    output: { dtype, dims: [shape.batch, shape.heads, shape.seqQ, shape.headDimV], data: run.output },
    decision: plan.decision, kernel, provider, providerWhy: plan.providerWhy, latencyMs: run.ms, warnings,
  };
}
