/**
 * `npm run bench`: the WASM provider and onnxruntime-node's CPU provider on the same graphs, in
 * one process, case by case (WASM, then node, for each kernel and shape), so both see the same
 * machine load; prints one table with the ratio (docs/benchmarks.md). Takes `attnlens bench`'s
 * flags; `--provider` is ignored (always WASM), `--threads` sets both providers' threads.
 *
 *   node out/scripts/bench-wasm-vs-node.js --threads 2 --sweep seq=128,256,512,1024
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseBenchArgs } from '../extension/cli/bench';
import { UsageError } from '../extension/cli/args';
import { withRuntime } from '../extension/cli/cli-runtime';
import { ms } from '../extension/cli/table';
import { expandCases } from '../runtime/bench/cases';
import { adapterOf, benchCases, type BenchRow, type OverheadProbe } from '../runtime/bench/harness';
import { measureOverhead } from '../runtime/bench/overhead';
import { defaultEnv } from '../runtime/env';
import { ceilings, cpuClockGHz } from './bench/ceilings';
import { comparisonTable } from './bench/comparison-table';
import { nodeCpuProvider } from './bench/node-cpu-provider';

/** Where /proc/cpuinfo gives no clock. */
const FALLBACK_CLOCK_GHZ = 3;

async function main(args: string[]): Promise<number> {
  try {
    const { request, threads = defaultEnv(availableParallelism()).wasm.numThreads, json } = parseBenchArgs(args);
    const load = loadavg().map((x) => x.toFixed(1)).join(' ');
    const node = nodeCpuProvider(threads); // before the WASM provider loads onnxruntime-web (see there)
    const report = await withRuntime(threads, async (runtime) => {
      const wasm = await runtime.provider('wasm');
      const overhead: OverheadProbe = (kernel, config, feeds) => measureOverhead(runtime, wasm, kernel, config, feeds, request.policy);
      const wasmRows: BenchRow[] = [];
      const nodeRows: BenchRow[] = [];
      for (const c of expandCases(request)) {
        const [w] = await benchCases(wasm, [c], request.policy, overhead);
        const [n] = await benchCases(node, [c], request.policy);
        wasmRows.push(w);
        nodeRows.push(n);
        const show = (r: BenchRow) => (r.median_ms === null ? 'not measured' : `${ms(r.median_ms)} ms`);
        if (!json) process.stderr.write(`  ${c.kernel} L${c.shape.seq}: WASM ${show(w)}, node ${show(n)}\n`);
      }
      return { wasm: { provider: 'wasm', adapter: adapterOf(wasm), results: wasmRows }, node: { provider: 'node-cpu', adapter: adapterOf(node), results: nodeRows } };
    });
    const peak = ceilings(threads, cpuClockGHz() ?? FALLBACK_CLOCK_GHZ);
    const loadAfter = loadavg().map((x) => x.toFixed(1)).join(' ');
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...report, ceilings: peak, loadavg: { before: load, after: loadAfter } })}\n`);
    } else {
      process.stdout.write(`${report.wasm.adapter.name} vs ${report.node.adapter.name}; load average (1, 5, 15 min) ${load} before, ${loadAfter} after\n\n`
        + comparisonTable(report.wasm.results, report.node.results, peak));
    }
    return 0;
  } catch (e) {
    process.stderr.write(`bench-wasm-vs-node: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
