/**
 * Parity: every (kernel, provider, dtype) runs a few probe configurations on fresh seeded random
 * inputs and is compared with the float64 reference (relative L2 error). A dtype that misses its
 * tolerance is refused for that kernel on that provider, with the error, so the policy never
 * chooses it. Probes cover what each kernel accepts, with sequence length 64 so onnxruntime's
 * FlashAttention path (length ≥ 32) is exercised.
 */
import { KERNELS } from '../kernels';
import type { Acceptance, KernelConfig, KernelDtype, KernelId } from '../kernels/kernel';
import { randomInputs } from '../kernels/random-inputs';
import { referenceAttention, relativeL2, type AttentionInputs } from '../kernels/reference';
import type { KernelCapability } from './dispatch/capabilities';
import type { Dtype } from './dispatch/facts';
import { describeConfig } from './describe';
import { createKernelSession, fromDtype, refusal, toDtype, type KernelFeeds, type KernelSession } from './kernel-session';
import type { Provider, ProviderInfo } from './providers/provider';

export const TOLERANCE: Readonly<Record<KernelDtype, number>> = { float32: 1e-4, float16: 5e-3 };
export const KERNEL_DTYPES: readonly KernelDtype[] = ['float32', 'float16'];

export interface ParityCheck {
  readonly kernel: KernelId;
  readonly provider: ProviderInfo['name'];
  readonly dtype: KernelDtype;
  readonly config: string;
  readonly relError: number;
  readonly tolerance: number;
  readonly ok: boolean;
  /** Set when the kernel could not run at all (the error), or when it is off tolerance. */
  readonly reason?: string;
}

/** The probe configurations for one kernel: prefill, prefill with bias and causal, decode. */
export function probes(acc: Extract<Acceptance, { available: true }>, dtype: KernelDtype): KernelConfig[] {
  const causal = acc.causalOnly;
  const prefill = { batch: 1, heads: 2, kvHeads: 2, seqQ: 64, seqKv: 64, headDim: 16, headDimV: 16 };
  const list: KernelConfig[] = [{ shape: prefill, dtype, mask: { kind: 'none' }, causal }];
  if (acc.masks.includes('float') || (acc.causal && !causal)) {
    // Lq < Lk where the kernel takes it, so causal alignment counts: bottom-right, query i sees
    // keys j ≤ i + 16; MultiHeadAttention's `unidirectional` aligned top-left (docs/runtime.md).
    const shape = acc.crossLengths ? { ...prefill, seqQ: 48 } : prefill;
    list.push({ shape, dtype, mask: acc.masks.includes('float') ? { kind: 'float', batch: 1, heads: 2 } : { kind: 'none' }, causal: acc.causal });
  }
  if (acc.crossLengths) {
    const decode = { ...prefill, batch: 2, heads: 4, kvHeads: acc.groupedHeads ? 2 : 4, seqQ: 1 };
    const mask = acc.masks.includes('bool') ? { kind: 'bool' as const, batch: 2, heads: 1 } : { kind: 'none' as const };
    list.push({ shape: decode, dtype, mask, causal });
  }
  return list;
}

/** Reference inputs in the kernel's storage: what a session is fed. */
export function kernelFeeds(c: KernelConfig, x: AttentionInputs): KernelFeeds {
  const mask = x.mask === undefined ? undefined : c.mask.kind === 'bool' ? Uint8Array.from(x.mask) : toDtype(c.dtype, x.mask);
  return { q: toDtype(c.dtype, x.q), k: toDtype(c.dtype, x.k), v: toDtype(c.dtype, x.v), mask };
}

/** Runs one session on seeded random inputs and compares it with the reference. */
export async function compareWithReference(session: KernelSession, seed: number): Promise<number> {
  const c = session.config;
  const x = randomInputs(c, seed);
  const { output } = await session.run(kernelFeeds(c, x));
  return relativeL2(fromDtype(output), referenceAttention(c, x));
}

export async function checkConfig(provider: Provider, info: ProviderInfo, kernel: KernelId, config: KernelConfig, seed: number): Promise<ParityCheck> {
  const base = { kernel, provider: info.name, dtype: config.dtype, config: describeConfig(config), tolerance: TOLERANCE[config.dtype] };
  let session: KernelSession | null = null;
  try {
    session = await createKernelSession(provider, info, kernel, config);
    const relError = await compareWithReference(session, seed);
    const ok = relError <= base.tolerance;
    return { ...base, relError, ok, ...(ok ? {} : { reason: `parity failed: relative L2 error ${relError.toPrecision(2)} > ${base.tolerance} on ${base.config}` }) };
  } catch (e) {
    return { ...base, relError: NaN, ok: false, reason: (e as Error).message };
  } finally {
    await session?.dispose();
  }
}

/**
 * Checks every kernel the provider accepts, in every dtype it does not refuse up front.
 * `seed` varies the inputs between calls (fresh inputs each time).
 */
export async function checkProvider(provider: Provider, info: ProviderInfo, seed: number, kernels: readonly KernelId[] = Object.keys(KERNELS) as KernelId[]): Promise<ParityCheck[]> {
  const checks: ParityCheck[] = [];
  for (const kernel of kernels) {
    const acc = KERNELS[kernel].accepts[info.name];
    if (!acc.available) continue;
    for (const dtype of acc.dtypes) {
      if (info.refusedDtypes[dtype]) continue;
      for (const config of probes(acc, dtype)) {
        if (refusal(kernel, config, info)) continue;
        checks.push(await checkConfig(provider, info, kernel, config, seed + checks.length));
      }
    }
  }
  return checks;
}

/** Capability records for the policy: what each kernel accepts on this provider, less what failed. */
export function capabilities(info: ProviderInfo, checks: readonly ParityCheck[]): KernelCapability[] {
  return (Object.keys(KERNELS) as KernelId[]).map((kernel): KernelCapability => {
    const acc = KERNELS[kernel].accepts[info.name];
    if (!acc.available) {
      return { kernel, provider: info.name, dtypes: [], masks: ['none'], causal: false, groupedHeads: false, crossLengths: false, maxHeadDim: null, dropout: false, status: { ok: false, reason: acc.reason } };
    }
    const refused: Partial<Record<Dtype, string>> = { ...info.refusedDtypes };
    for (const c of checks) if (c.kernel === kernel && !c.ok) refused[c.dtype] ??= c.reason;
    const dtypes = acc.dtypes.filter((d) => !refused[d]);
    const status = dtypes.length ? { ok: true as const }
      : { ok: false as const, reason: Object.entries(refused).map(([d, r]) => `${d}: ${r}`).join('; ') || 'no dtype passed parity' };
    return {
      kernel, provider: info.name, dtypes, masks: acc.masks, causal: acc.causal, causalOnly: acc.causalOnly,
      groupedHeads: acc.groupedHeads, crossLengths: acc.crossLengths, maxHeadDim: acc.maxHeadDim, dropout: false,
      refusedDtypes: refused, status,
    };
  });
}
