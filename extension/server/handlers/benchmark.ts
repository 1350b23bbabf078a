import { ResponseError, LSPErrorCodes, type CancellationToken } from 'vscode-languageserver';
import type { BenchmarkedCall, BenchmarkParams, BenchmarkResult, BenchShape } from '../../protocol';
import type { CallReport } from '../../analysis/report';
import { contains } from '../convert';
import { measureJob, type Session } from '../session';
import { SHAPE_PROFILES } from '../shape-profile';
import type { BenchmarkJob } from '../runtime-gateway';

/** Sequence lengths of the default sweep (the plot's x axis). */
export const SWEEP_LENGTHS = [128, 256, 512, 1024, 2048] as const;

/** attnlens/benchmark: every kernel on every provider over the requested shapes, with progress. */
export async function benchmark(session: Session, params: BenchmarkParams, token: CancellationToken): Promise<BenchmarkResult> {
  const { job, call } = benchmarkJob(session, params);
  const progress = session.connection.window.attachWorkDoneProgress(params.workDoneToken);
  progress.begin('Benchmarking attention kernels', 0, `${job.shapes.length} shape(s)`, true);
  try {
    const rows = await session.runtime.benchmark(job, (done, total, label) => progress.report(Math.round((100 * done) / total), label), token);
    return call === undefined ? { rows } : { rows, call: benchmarkedCall(call) };
  } finally {
    progress.done();
  }
}

function benchmarkJob(session: Session, params: BenchmarkParams): { job: BenchmarkJob; call?: CallReport } {
  const settings = session.settings;
  if (params.call !== undefined) {
    const target = params.call;
    const call = 'index' in target
      ? session.call(target.uri, target.index)
      : session.analysis(target.uri)?.report.calls.find((c) => contains(c.span, target.position));
    if (call === undefined) {
      const where = 'index' in target ? `#${target.index}` : `at line ${target.position.line + 1}`;
      throw new ResponseError(LSPErrorCodes.ContentModified, `no attention call ${where} in ${target.uri}`);
    }
    const job = measureJob(call, settings);
    const mask = params.mask ?? (job.causal ? 'causal' : job.bias ? 'float' : 'none');
    return { job: { shapes: [job.shape], dtype: params.dtype ?? job.dtype, mask, providers: settings.providers }, call };
  }
  return { job: { shapes: params.shapes ?? sweep(settings.shapeProfile), dtype: params.dtype ?? 'float32', mask: params.mask ?? 'none', providers: settings.providers } };
}

function benchmarkedCall(call: CallReport): BenchmarkedCall {
  return { api: call.api, function: call.function, line: call.span.line, ...(call.span.cell === undefined ? {} : { cell: call.span.cell }) };
}

function sweep(profileName: keyof typeof SHAPE_PROFILES): BenchShape[] {
  const p = SHAPE_PROFILES[profileName];
  return SWEEP_LENGTHS.map((seq) => ({ batch: p.batch, heads: p.heads, kvHeads: p.heads, seqQ: seq, seqKv: seq, headDim: p.headDim }));
}
