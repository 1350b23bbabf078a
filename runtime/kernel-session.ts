/**
 * One kernel graph compiled for one configuration on one provider: the unit the runtime, the
 * parity checks and benchmarks run. Creation refuses configurations the kernel or provider does
 * not accept, with the reason.
 */
import { KERNELS } from '../kernels';
import { fromHalfBits, toHalfBits } from '../kernels/half';
import type { KernelConfig, KernelDtype, KernelId } from '../kernels/kernel';
import { memoryRefusal } from './memory';
import type { OrtModule, OrtSession, OrtTensor, Provider, ProviderInfo } from './providers/provider';

/** Float data as the kernel dtype holds it: Float32Array, or float16 bit patterns. */
export type FloatData = Float32Array | Uint16Array;

export interface KernelFeeds {
  readonly q: FloatData;
  readonly k: FloatData;
  readonly v: FloatData;
  /** Float bias in the kernel dtype, or a boolean mask as 0/1 bytes. */
  readonly mask?: FloatData | Uint8Array;
}

export interface KernelRun {
  /** [B,H,Lq,Dv] in the kernel dtype. */
  readonly output: FloatData;
  /** Wall time of `session.run`, including upload and download. */
  readonly ms: number;
}

export interface KernelSession {
  readonly kernel: KernelId;
  readonly config: KernelConfig;
  readonly provider: ProviderInfo;
  run(feeds: KernelFeeds): Promise<KernelRun>;
  dispose(): Promise<void>;
}

/** Why `kernel` cannot run `config` on this provider, or null when it can. */
export function refusal(kernel: KernelId, config: KernelConfig, info: ProviderInfo): string | null {
  const spec = KERNELS[kernel];
  const acc = spec.accepts[info.name];
  if (!acc.available) return `${kernel} on ${info.name}: ${acc.reason}`;
  const dtypeRefused = info.refusedDtypes[config.dtype];
  if (dtypeRefused) return `${kernel} on ${info.name}: ${dtypeRefused}`;
  const s = config.shape;
  const problems = [
    !acc.dtypes.includes(config.dtype) && `does not take ${config.dtype}`,
    !acc.masks.includes(config.mask.kind) && `does not take a ${config.mask.kind} mask`,
    config.causal && !acc.causal && 'is not causal',
    !config.causal && acc.causalOnly && 'is always causal (call it with causal=true)',
    s.kvHeads !== s.heads && !acc.groupedHeads && `needs as many key/value heads as query heads (got ${s.kvHeads} for ${s.heads})`,
    s.seqQ !== s.seqKv && !acc.crossLengths && `needs equal query and key lengths (got ${s.seqQ} and ${s.seqKv})`,
    config.causal && s.seqQ > s.seqKv && `cannot be causal with Lq ${s.seqQ} > Lk ${s.seqKv}: with bottom-right alignment the first ${s.seqQ - s.seqKv} query rows see no key`,
    acc.maxHeadDim !== null && s.headDim > acc.maxHeadDim && `takes head dims up to ${acc.maxHeadDim} (got ${s.headDim})`,
  ].filter((p): p is string => typeof p === 'string');
  const own = spec.refuse(config);
  if (own) problems.push(own);
  const memory = problems.length ? null : memoryRefusal(kernel, config, info);
  if (memory) return memory;
  return problems.length ? `${kernel} on ${info.name}: ${problems.join('; ')}` : null;
}

function dims(config: KernelConfig) {
  const s = config.shape;
  return {
    q: [s.batch, s.heads, s.seqQ, s.headDim],
    k: [s.batch, s.kvHeads, s.seqKv, s.headDim],
    v: [s.batch, s.kvHeads, s.seqKv, s.headDimV],
    mask: config.mask.kind === 'none' ? [] : [config.mask.batch, config.mask.heads, s.seqQ, s.seqKv],
  };
}

/** The graph's input tensors for `feeds` (also used by the benchmark's bare `session.run`). */
export function ortInputs(ort: OrtModule, config: KernelConfig, feeds: KernelFeeds): Record<string, OrtTensor> {
  const shape = dims(config);
  const tensor = (data: FloatData | Uint8Array, d: number[], bool = false) =>
    new ort.Tensor(bool ? 'bool' : config.dtype === 'float16' ? 'float16' : 'float32', data, d);
  const inputs: Record<string, OrtTensor> = { q: tensor(feeds.q, shape.q), k: tensor(feeds.k, shape.k), v: tensor(feeds.v, shape.v) };
  if (config.mask.kind !== 'none') {
    if (!feeds.mask) throw new TypeError(`the graph was built with a ${config.mask.kind} mask; feeds.mask is missing`);
    inputs.mask = tensor(feeds.mask, shape.mask, config.mask.kind === 'bool');
  }
  return inputs;
}

export async function createKernelSession(provider: Provider, info: ProviderInfo, kernel: KernelId, config: KernelConfig): Promise<KernelSession> {
  const refused = refusal(kernel, config, info);
  if (refused) throw new Error(refused);
  const session: OrtSession = await provider.createSession(KERNELS[kernel].build(config));
  return {
    kernel, config, provider: info,
    async run(feeds) {
      const inputs = ortInputs(provider.ort(), config, feeds);
      const start = performance.now();
      const result = await session.run(inputs);
      const output = (await result.out.getData()) as FloatData;
      const ms = performance.now() - start;
      result.out.dispose();
      return { output, ms };
    },
    dispose: () => session.release(),
  };
}

/** Converts float64 values into the kernel dtype's storage. */
export function toDtype(dtype: KernelDtype, values: ArrayLike<number>): FloatData {
  return dtype === 'float16' ? Uint16Array.from(values as ArrayLike<number>, toHalfBits) : Float32Array.from(values);
}

/** Reads kernel-dtype storage back as numbers. */
export function fromDtype(data: FloatData): Float64Array {
  return data instanceof Uint16Array ? Float64Array.from(data, fromHalfBits) : Float64Array.from(data);
}
