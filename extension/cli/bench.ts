/**
 * `attnlens bench`: flags → a case grid → the runtime's benchmark harness → a table or the JSON
 * report (docs/benchmarks.md documents both). Exit 0 once the benchmark ran (a refused or broken
 * kernel is a row, not a failure of the command), 2 on bad flags.
 */
import { availableParallelism } from 'node:os';
import { KERNEL_IDS } from '../../kernels';
import type { KernelDtype } from '../../kernels/kernel';
import { BIAS_KINDS, SHAPE_DIMS, type BenchShape, type Sweep } from '../../runtime/bench/cases';
import { runBench, type BenchReport, type BenchRequest, type BenchRow } from '../../runtime/bench/harness';
import { DEFAULT_POLICY, QUICK_POLICY } from '../../runtime/bench/sampler';
import { withRuntime } from './cli-runtime';
import { parseChoice, parseChoiceList, parseCommandLine, parsePositiveInt, UsageError } from './args';
import { ms, renderTable } from './table';

const PROVIDERS = ['auto', 'webgpu', 'wasm'] as const;
const DTYPES: readonly KernelDtype[] = ['float32', 'float16'];

const BENCH_FLAGS = {
  provider: { type: 'string', default: 'auto' },
  kernels: { type: 'string', default: 'math,fused' },
  dtype: { type: 'string', default: 'float32' },
  batch: { type: 'string', default: '1' },
  heads: { type: 'string', default: '8' },
  seq: { type: 'string', default: '256' },
  'kv-seq': { type: 'string' },
  'head-dim': { type: 'string', default: '64' },
  bias: { type: 'string', default: 'none' },
  sweep: { type: 'string' },
  threads: { type: 'string' },
  quick: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/**
 * More WASM threads than cores only share the cores; up to 4× leaves room to study oversubscription.
 * Beyond that each thread's worker and stack cost memory for nothing (10000 threads took 9.4 GB).
 */
export const MAX_THREADS = 4 * availableParallelism();

function parseThreads(value: string): number {
  const threads = parsePositiveInt('threads', value);
  if (threads > MAX_THREADS) throw new UsageError(`--threads: ${threads} is more than ${MAX_THREADS} (4 × the ${availableParallelism()} cores here)`);
  return threads;
}

export const BENCH_USAGE = `usage: attnlens bench [options]

  --provider auto|webgpu|wasm   where to run (default auto: WebGPU, else WASM)
  --kernels math,fused,...      kernels to time: ${KERNEL_IDS.join(', ')} (default math,fused)
  --dtype float32|float16       (default float32)
  --batch N --heads N --seq N --kv-seq N --head-dim N   shape (default B1 H8 L256 D64; kv-seq = seq)
  --bias none|float|bool|causal (default none)
  --sweep dim=v1,v2,...         e.g. seq=128,256,512,1024
  --threads N                   WASM threads (default min(2, cores); at most ${MAX_THREADS} here, 4 × cores)
  --quick                       fewer, shorter runs
  --json                        the JSON report (docs/benchmarks.md)
`;

/** `seq=128,256` → the dimension and its values. */
export function parseSweep(value: string): Sweep {
  const [dim, list, extra] = value.split('=');
  if (list === undefined || extra !== undefined) throw new UsageError(`--sweep must look like dim=v1,v2,... (e.g. seq=128,256), got '${value}'`);
  const flagDim = parseChoice('sweep', dim.replace('_', '-'), SHAPE_DIMS.map((d) => d.replace('_', '-')));
  return { dim: flagDim.replace('-', '_') as keyof BenchShape, values: list.split(',').map((v) => parsePositiveInt('sweep', v.trim())) };
}

function nonEmpty<T>(flag: string, list: T[]): T[] {
  if (list.length === 0) throw new UsageError(`--${flag} names nothing`);
  return list;
}

export interface BenchOptions {
  readonly request: Omit<BenchRequest, 'onRow'>;
  readonly threads?: number;
  readonly json: boolean;
}

export function parseBenchArgs(args: string[]): BenchOptions {
  const { values: f, positionals } = parseCommandLine(args, BENCH_FLAGS);
  if (positionals.length) throw new UsageError(`takes no file or other argument, got '${positionals[0]}'`);
  const seq = parsePositiveInt('seq', f.seq);
  const threads = f.threads === undefined ? undefined : parseThreads(f.threads);
  const provider = parseChoice('provider', f.provider, PROVIDERS);
  if (threads !== undefined && provider === 'webgpu') throw new UsageError('--threads sets WASM threads; it does not apply to --provider webgpu');
  return {
    request: {
      provider,
      kernels: nonEmpty('kernels', parseChoiceList('kernels', f.kernels, KERNEL_IDS)),
      dtype: parseChoice('dtype', f.dtype, DTYPES),
      shape: {
        batch: parsePositiveInt('batch', f.batch), heads: parsePositiveInt('heads', f.heads), seq,
        kv_seq: f['kv-seq'] === undefined ? seq : parsePositiveInt('kv-seq', f['kv-seq']), head_dim: parsePositiveInt('head-dim', f['head-dim']),
      },
      bias: parseChoice('bias', f.bias, BIAS_KINDS),
      ...(f.sweep === undefined ? {} : { sweep: parseSweep(f.sweep) }),
      policy: f.quick ? QUICK_POLICY : DEFAULT_POLICY,
    },
    ...(threads === undefined ? {} : { threads }),
    json: f.json,
  };
}

const OVERHEAD_NOTE = 'attend() time / bare session.run time of the same graph and inputs, median of interleaved pairs (goal ≤ 1.03)';

function shapeText(s: BenchShape): string {
  return `B${s.batch} H${s.heads} L${s.seq}${s.kv_seq === s.seq ? '' : `/${s.kv_seq}`} D${s.head_dim}`;
}

/** The report as a table under `heading`, then the reasons of rows that were not measured. */
export function benchTable(report: BenchReport, heading = report.adapter.name): string {
  const rows = report.results.map((r) => [
    r.kernel, r.dtype, shapeText(r.shape), r.bias,
    r.median_ms === null ? '-' : ms(r.median_ms), r.p10_ms === null ? '-' : ms(r.p10_ms), r.p90_ms === null ? '-' : ms(r.p90_ms),
    r.rel_error === null ? '-' : r.rel_error.toExponential(1), r.overhead === undefined ? '' : r.overhead.toFixed(3),
    r.ok ? 'ok' : 'FAILED (below)',
  ]);
  const failures = report.results.filter((r) => !r.ok).map((r) => `  ${r.kernel} ${shapeText(r.shape)} ${r.bias}: ${r.reason}\n`);
  return `provider: ${heading}\n\n`
    + renderTable(['kernel', 'dtype', 'shape', 'bias', 'median ms', 'p10', 'p90', 'rel err', 'overhead', 'status'], rows)
    + (failures.length ? `\nnot measured:\n${failures.join('')}` : '')
    + (report.results.some((r) => r.overhead !== undefined) ? `\noverhead = ${OVERHEAD_NOTE}\n` : '');
}

function progress(row: BenchRow): void {
  const what = `${row.kernel} ${shapeText(row.shape)} ${row.bias} ${row.dtype}`;
  process.stderr.write(row.ok ? `  measured ${what}: ${ms(row.median_ms!)} ms\n` : `  ${what}: not measured\n`);
}

export async function bench(args: string[]): Promise<number> {
  const options = parseBenchArgs(args);
  const { report, why } = await withRuntime(options.threads, async (runtime) => ({
    report: await runBench(runtime, { ...options.request, ...(options.json ? {} : { onRow: progress }) }),
    why: (await runtime.provider(options.request.provider)).why,
  }));
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : benchTable(report, why));
  return 0;
}
