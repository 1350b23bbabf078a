/**
 * The benchmark harness: for each case, the kernel session's parity against the float64 reference
 * on fresh random inputs, then (only when it passes) its latency spread and, for the kernel the
 * policy itself would run, the runtime's overhead. A case that is refused, fails to run or fails
 * parity is a row with ok:false and the reason, never a latency.
 */
import type { KernelConfig } from '../../kernels/kernel';
import { randomInputs } from '../../kernels/random-inputs';
import { referenceAttention, relativeL2 } from '../../kernels/reference';
import type { AdapterReport } from '../providers/adapter';
import type { ProviderName } from '../dispatch/capabilities';
import { createKernelSession, fromDtype, type KernelFeeds, type KernelSession } from '../kernel-session';
import { kernelFeeds, TOLERANCE } from '../parity';
import type { ResolvedProvider } from '../providers/registry';
import type { Runtime } from '../runtime';
import { expandCases, kernelConfig, type BenchCase, type BenchShape, type BiasKind, type CaseGrid } from './cases';
import { measureOverhead } from './overhead';
import { sample, type SamplingPolicy } from './sampler';
import { spread } from './stats';

/** One row of `attnlens bench --json` (field names are the documented JSON). */
export interface BenchRow {
  readonly kernel: BenchCase['kernel'];
  readonly provider: ProviderName;
  readonly dtype: BenchCase['dtype'];
  readonly shape: BenchShape;
  readonly bias: BiasKind;
  readonly median_ms: number | null;
  readonly p10_ms: number | null;
  readonly p90_ms: number | null;
  /** Relative L2 error against the float64 reference; null when the kernel did not run. */
  readonly rel_error: number | null;
  readonly ok: boolean;
  readonly reason?: string;
  /** attend() time / bare session.run time, on the row whose kernel the policy runs. */
  readonly overhead?: number;
}

export interface BenchReport {
  readonly provider: ProviderName;
  /** `name`: the provider's description ("WASM, 2 threads", "WebGPU: google swiftshader (…)"); on WebGPU also the adapter report. */
  readonly adapter: { readonly name: string } & Partial<AdapterReport>;
  readonly results: readonly BenchRow[];
}

export interface BenchRequest extends CaseGrid {
  readonly provider: ProviderName | 'auto';
  readonly policy: SamplingPolicy;
  /** Called with each row as it is measured (for progress output). */
  readonly onRow?: (row: BenchRow) => void;
}

/** Measures the runtime's overhead for a kernel on a config and feeds; null when not comparable. */
export type OverheadProbe = (kernel: BenchCase['kernel'], config: KernelConfig, feeds: KernelFeeds) => Promise<number | null>;

async function benchCase(provider: ResolvedProvider, c: BenchCase, policy: SamplingPolicy, seed: number, overhead?: OverheadProbe): Promise<BenchRow> {
  const base = { kernel: c.kernel, provider: provider.info.name, dtype: c.dtype, shape: c.shape, bias: c.bias };
  const failed = (reason: string, relError: number | null = null): BenchRow =>
    ({ ...base, median_ms: null, p10_ms: null, p90_ms: null, rel_error: relError, ok: false, reason });
  const config = kernelConfig(c);
  let session: KernelSession | null = null;
  try {
    // Refuses what the kernel or provider does not take, with the reason.
    session = await createKernelSession(provider.provider, provider.info, c.kernel, config);
    const inputs = randomInputs(config, seed);
    const feeds = kernelFeeds(config, inputs);
    const relError = relativeL2(fromDtype((await session.run(feeds)).output), referenceAttention(config, inputs));
    if (!(relError <= TOLERANCE[c.dtype])) {
      return failed(`parity failed: relative L2 error ${relError.toPrecision(2)} > ${TOLERANCE[c.dtype]} against the float64 reference`, relError);
    }
    const latency = spread(await sample(async () => (await session!.run(feeds)).ms, policy));
    const ratio = overhead ? await overhead(c.kernel, config, feeds) : null;
    return {
      ...base, median_ms: latency.median, p10_ms: latency.p10, p90_ms: latency.p90, rel_error: relError, ok: true,
      ...(ratio === null ? {} : { overhead: ratio }),
    };
  } catch (e) {
    return failed((e as Error).message);
  } finally {
    await session?.dispose();
  }
}

/**
 * Benchmarks `cases` on a resolved provider, one after another; `overhead` (optional) adds the
 * runtime's overhead ratio to the rows it can compare. Fresh random inputs per call.
 */
export async function benchCases(provider: ResolvedProvider, cases: readonly BenchCase[], policy: SamplingPolicy, overhead?: OverheadProbe, onRow?: (row: BenchRow) => void): Promise<BenchRow[]> {
  const seed = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const row = await benchCase(provider, c, policy, seed + rows.length, overhead);
    onRow?.(row);
    rows.push(row);
  }
  return rows;
}

/** `name`: the provider's description; on WebGPU also the adapter report. */
export function adapterOf(provider: ResolvedProvider): BenchReport['adapter'] {
  return { name: provider.info.description, ...provider.info.adapter };
}

/** The benchmark of `cases` on one provider of the runtime, without the overhead probe (the editor's Benchmark backends). */
export async function benchOn(runtime: Runtime, provider: ProviderName, cases: readonly BenchCase[], policy: SamplingPolicy): Promise<BenchReport> {
  const resolved = await runtime.provider(provider);
  return { provider: resolved.info.name, adapter: adapterOf(resolved), results: await benchCases(resolved, cases, policy) };
}

/** The benchmark of a case grid on the runtime's provider, with the runtime's overhead. */
export async function runBench(runtime: Runtime, request: BenchRequest): Promise<BenchReport> {
  const provider = await runtime.provider(request.provider);
  const overhead: OverheadProbe = (kernel, config, feeds) => measureOverhead(runtime, provider, kernel, config, feeds, request.policy);
  const results = await benchCases(provider, expandCases(request), request.policy, overhead, request.onRow);
  return { provider: provider.info.name, adapter: adapterOf(provider), results };
}
