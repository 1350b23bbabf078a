/**
 * The benchmark harness: for each case, the kernel session's parity against the float64 reference
 * on fresh random inputs, then (only when it passes) its latency spread and, for the kernel the
 * policy itself would run, the runtime's overhead. A case that is refused, fails to run or fails
 * parity is a row with ok:false and the reason, never a latency.
 */
import { randomInputs } from '../../kernels/random-inputs';
import { referenceAttention, relativeL2 } from '../../kernels/reference';
import type { AdapterReport } from '../providers/adapter';
import type { ProviderName } from '../dispatch/capabilities';
import { fromDtype, refusal, type KernelSession } from '../kernel-session';
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
  /** The provider's description, and on WebGPU the adapter report. */
  readonly adapter: { readonly description: string } & Partial<AdapterReport>;
  readonly results: readonly BenchRow[];
}

export interface BenchRequest extends CaseGrid {
  readonly provider: ProviderName | 'auto';
  readonly policy: SamplingPolicy;
  /** Called with each row as it is measured (for progress output). */
  readonly onRow?: (row: BenchRow) => void;
}

async function benchCase(runtime: Runtime, provider: ResolvedProvider, c: BenchCase, policy: SamplingPolicy, seed: number): Promise<BenchRow> {
  const base = { kernel: c.kernel, provider: provider.info.name, dtype: c.dtype, shape: c.shape, bias: c.bias };
  const failed = (reason: string, relError: number | null = null): BenchRow =>
    ({ ...base, median_ms: null, p10_ms: null, p90_ms: null, rel_error: relError, ok: false, reason });
  const config = kernelConfig(c);
  const refused = refusal(c.kernel, config, provider.info);
  if (refused) return failed(refused);
  let session: KernelSession | null = null;
  try {
    session = await runtime.createSession(c.kernel, config, provider.info.name);
    const inputs = randomInputs(config, seed);
    const feeds = kernelFeeds(config, inputs);
    const relError = relativeL2(fromDtype((await session.run(feeds)).output), referenceAttention(config, inputs));
    if (!(relError <= TOLERANCE[c.dtype])) {
      return failed(`parity failed: relative L2 error ${relError.toPrecision(2)} > ${TOLERANCE[c.dtype]} against the float64 reference`, relError);
    }
    const latency = spread(await sample(async () => (await session!.run(feeds)).ms, policy));
    const overhead = await measureOverhead(runtime, provider, c.kernel, config, feeds, policy);
    return {
      ...base, median_ms: latency.median, p10_ms: latency.p10, p90_ms: latency.p90, rel_error: relError, ok: true,
      ...(overhead === null ? {} : { overhead }),
    };
  } catch (e) {
    return failed((e as Error).message);
  } finally {
    await session?.dispose();
  }
}

export async function runBench(runtime: Runtime, request: BenchRequest): Promise<BenchReport> {
  const provider = await runtime.provider(request.provider);
  const seed = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
  const results: BenchRow[] = [];
  for (const c of expandCases(request)) {
    const row = await benchCase(runtime, provider, c, request.policy, seed + results.length);
    request.onRow?.(row);
    results.push(row);
  }
  return { provider: provider.info.name, adapter: { description: provider.info.description, ...provider.info.adapter }, results };
}
