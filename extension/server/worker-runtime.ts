/**
 * The RuntimeGateway over the runtime's worker (runtime/worker/proxy.ts). A call's latency is the
 * median of timed `attend()` runs after warm-up, on the first provider of the preference that runs
 * the call; parity comes from the runtime's own checks, so no latency is shown for a kernel that is
 * wrong. Benchmark backends runs the benchmark harness (runtime/bench) for every kernel on every
 * provider: parity per row, and a refused kernel is a row with the reason.
 */
import type { CancellationToken } from 'vscode-languageserver';
import { KERNEL_IDS } from '../../kernels';
import type { KernelDtype } from '../../kernels/kernel';
import { prng } from '../../kernels/random-inputs';
import type { AttendOptions, AttendResult, AttendTensor } from '../../runtime/attend';
import type { BenchCase } from '../../runtime/bench/cases';
import type { BenchReport, BenchRow } from '../../runtime/bench/harness';
import { QUICK_POLICY, type SamplingPolicy } from '../../runtime/bench/sampler';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { Dtype } from '../../runtime/dispatch/facts';
import type { AdapterStatus, ParityReport } from '../../runtime/runtime';
import type { BenchmarkRow, BenchShape, KernelParity, ProviderReport, RuntimeReport, ServerStatus } from '../protocol';
import type { MeasureJob } from './measurement';
import type { BenchmarkJob, ProgressListener, RuntimeGateway } from './runtime-gateway';

/** What the gateway needs of the worker proxy (RuntimeProxy has these signatures). */
export interface RuntimeWorker {
  attend(q: AttendTensor, k: AttendTensor, v: AttendTensor, options: AttendOptions): Promise<AttendResult>;
  parity(provider: ProviderName): Promise<ParityReport>;
  adapter(): Promise<AdapterStatus>;
  bench(provider: ProviderName, cases: readonly BenchCase[], policy: SamplingPolicy): Promise<BenchReport>;
  dispose(): Promise<void>;
}

const WARMUP_RUNS = 2;
const TIMED_RUNS = 7;

export function workerRuntime(worker: RuntimeWorker): RuntimeGateway {
  let status: ServerStatus = { runtime: 'starting', text: 'starting' };
  const listeners: ((s: ServerStatus) => void)[] = [];
  const setStatus = (s: ServerStatus) => { status = s; for (const l of listeners) l(s); };
  const adapter = worker.adapter().then(
    (a) => { setStatus({ runtime: 'ready', text: adapterText(a), ...(a.reason === undefined ? {} : { detail: a.reason }) }); return a; },
    (err: unknown) => { setStatus({ runtime: 'unavailable', text: `runtime failed to start: ${message(err)}` }); throw err; },
  );

  async function measure(job: MeasureJob, token: CancellationToken): Promise<BenchmarkRow> {
    const a = await adapter;
    const failures: string[] = [];
    for (const provider of job.providers) {
      if (provider === 'webgpu' && a.webgpu === null) { failures.push(`webgpu: ${a.reason ?? 'no adapter'}`); continue; }
      try {
        return await timeOn(worker, provider, job, adapterOf(provider, a), token);
      } catch (err) {
        if (token.isCancellationRequested) throw err;
        failures.push(`${provider}: ${message(err)}`);
      }
    }
    throw new Error(failures.join('; '));
  }

  return {
    status: () => status,
    onStatus: (listener) => { listeners.push(listener); },
    async report(providers: readonly ProviderName[]): Promise<RuntimeReport> {
      const a = await adapter;
      const reports = await Promise.all(providers.map((p) => worker.parity(p).then((r) => ({ ok: true as const, r }), (err: unknown) => ({ ok: false as const, p, err }))));
      const available: ProviderReport[] = reports.map((x) => x.ok
        ? { name: x.r.provider, available: true, detail: adapterOf(x.r.provider, a) }
        : { name: x.p, available: false, detail: message(x.err) });
      const kernels: KernelParity[] = reports.flatMap((x) => (x.ok ? x.r.checks : [])).map((c) => ({
        kernel: `${c.kernel} ${c.config}`, provider: c.provider, ok: c.ok, relError: Number.isFinite(c.relError) ? c.relError : null, tolerance: c.tolerance,
        ...(c.reason === undefined ? {} : { reason: c.reason }),
      }));
      return { providers: available, kernels };
    },
    async benchmark(job: BenchmarkJob, progress: ProgressListener, token: CancellationToken): Promise<BenchmarkRow[]> {
      const a = await adapter;
      const dtype = kernelDtype(job.dtype);
      // The harness runs multi-head attention: k and v have q's heads.
      const steps = job.providers.flatMap((provider) => job.shapes.flatMap((s) => KERNEL_IDS.map((kernel) => ({ provider, kernel, shape: { ...s, kvHeads: s.heads } }))));
      const rows: BenchmarkRow[] = [];
      for (const [i, { provider, kernel, shape }] of steps.entries()) {
        if (token.isCancellationRequested) break;
        const skipped = (reason: string): BenchmarkRow => ({
          kernel, provider, adapter: adapterOf(provider, a), dtype, shape, status: 'skipped', medianMs: null, spreadMs: null, relError: null, reason,
        });
        const c: BenchCase = { kernel, dtype, bias: job.mask, shape: { batch: shape.batch, heads: shape.heads, seq: shape.seqQ, kv_seq: shape.seqKv, head_dim: shape.headDim } };
        rows.push(provider === 'webgpu' && a.webgpu === null ? skipped(`webgpu: ${a.reason ?? 'no adapter'}`)
          : await worker.bench(provider, [c], QUICK_POLICY).then((r) => benchmarkRow(r.results[0]!, shape, adapterOf(provider, a)), (err: unknown) => skipped(message(err))));
        progress(i + 1, steps.length, `${kernel} · ${provider} L${shape.seqQ}`);
      }
      return rows;
    },
    measure,
    dispose: () => { void worker.dispose(); },
  };
}

/** Warm-up, then the median and interquartile range of the timed runs. */
async function timeOn(worker: RuntimeWorker, provider: ProviderName, job: MeasureJob, adapter: string, token: CancellationToken): Promise<BenchmarkRow> {
  const { q, k, v, options } = inputs(job, provider);
  const latencies: number[] = [];
  let last: AttendResult | null = null;
  for (let run = 0; run < WARMUP_RUNS + TIMED_RUNS; run++) {
    if (token.isCancellationRequested) throw new Error('cancelled');
    last = await worker.attend(q, k, v, options);
    if (run >= WARMUP_RUNS) latencies.push(last.latencyMs);
  }
  const parity = await worker.parity(last!.provider);
  const checks = parity.checks.filter((c) => c.kernel === last!.kernel && c.dtype === options.dtype);
  return {
    kernel: last!.kernel, provider: last!.provider, adapter, dtype: options.dtype!, shape: job.shape, status: 'ok',
    medianMs: quantile(latencies, 0.5), spreadMs: quantile(latencies, 0.75) - quantile(latencies, 0.25),
    relError: checks.length === 0 ? null : Math.max(...checks.map((c) => c.relError)),
  };
}

/** A harness row as the protocol's: parity failed → broken, refused or failed to run → skipped. */
function benchmarkRow(r: BenchRow, shape: BenchShape, adapter: string): BenchmarkRow {
  return {
    kernel: r.kernel, provider: r.provider, adapter, dtype: r.dtype, shape,
    status: r.ok ? 'ok' : r.rel_error !== null ? 'broken' : 'skipped',
    medianMs: r.median_ms, spreadMs: r.p10_ms === null || r.p90_ms === null ? null : r.p90_ms - r.p10_ms, relError: r.rel_error,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  };
}

/** The runtime's kernels take float32 and float16; other dtypes are measured in float32. */
function kernelDtype(dtype: Dtype): KernelDtype {
  return dtype === 'float16' ? 'float16' : 'float32';
}

/** Random q, k, v of the job's shape; a zero float bias when the call has one. */
function inputs(job: MeasureJob, provider: ProviderName): { q: AttendTensor; k: AttendTensor; v: AttendTensor; options: AttendOptions } {
  const s: BenchShape = job.shape;
  const rand = prng(1);
  const tensor = (dims: number[]): AttendTensor => ({ dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1) });
  const options: AttendOptions = {
    provider, causal: job.causal,
    dtype: kernelDtype(job.dtype),
    ...(job.bias ? { mask: { kind: 'float' as const, tensor: { dtype: 'float32' as const, dims: [1, 1, s.seqQ, s.seqKv], data: new Float32Array(s.seqQ * s.seqKv) } } } : {}),
  };
  return { q: tensor([s.batch, s.heads, s.seqQ, s.headDim]), k: tensor([s.batch, s.kvHeads, s.seqKv, s.headDim]), v: tensor([s.batch, s.kvHeads, s.seqKv, s.headDim]), options };
}

function quantile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

function adapterText(a: AdapterStatus): string {
  return a.webgpu === null ? 'WASM (no WebGPU adapter)' : `WebGPU · ${describeAdapter(a)}`;
}

function adapterOf(provider: ProviderName, a: AdapterStatus): string {
  return provider === 'webgpu' ? describeAdapter(a) : 'WASM (CPU)';
}

function describeAdapter(a: AdapterStatus): string {
  const r = a.webgpu?.adapter;
  if (r === undefined) return 'no adapter';
  return [r.description || `${r.vendor} ${r.architecture}`.trim(), r.shaderF16 ? 'shader-f16' : ''].filter((x) => x !== '').join(', ');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
