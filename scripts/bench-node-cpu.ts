/**
 * The same kernel graphs on onnxruntime-node's native CPU provider, for comparison with the
 * runtime's providers (docs/benchmarks.md). Takes `attnlens bench`'s shape flags and
 * `--threads N` (intra-op threads); prints the same table. A benchmark script, not part of the
 * product: onnxruntime-node is a devDependency.
 *
 *   node out/scripts/bench-node-cpu.js --threads 2 --sweep seq=128,256,512,1024
 */
import { benchTable, parseBenchArgs } from '../extension/cli/bench';
import { UsageError } from '../extension/cli/args';
import { expandCases } from '../runtime/bench/cases';
import { adapterOf, benchCases } from '../runtime/bench/harness';
import { nodeCpuProvider } from './bench/node-cpu-provider';

async function main(args: string[]): Promise<number> {
  try {
    const { request, threads = 1, json } = parseBenchArgs(args);
    const provider = nodeCpuProvider(threads);
    const results = await benchCases(provider, expandCases(request), request.policy);
    const report = { provider: provider.info.name, adapter: adapterOf(provider), results };
    process.stdout.write(json ? `${JSON.stringify(report)}\n` : benchTable(report));
    return 0;
  } catch (e) {
    process.stderr.write(`bench-node-cpu: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
