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
import type { OrtModule, Provider, ProviderInfo } from '../runtime/providers/provider';
import type { ResolvedProvider } from '../runtime/providers/registry';

/**
 * onnxruntime-node behind the runtime's provider contract. Its CPU kernels are the ones the WASM
 * build compiles, so it takes the WASM provider's name and kernel acceptance.
 */
function nodeCpuProvider(threads: number): ResolvedProvider {
  // Same onnxruntime-common API as onnxruntime-web; only the backend differs.
  const ort = require('onnxruntime-node') as OrtModule;
  const info: ProviderInfo = {
    name: 'wasm',
    description: `onnxruntime-node CPU, ${threads} thread${threads === 1 ? '' : 's'}`,
    maxBufferBytes: Number.MAX_SAFE_INTEGER,
    maxTotalBytes: Infinity,
    refusedDtypes: {},
  };
  const provider: Provider = {
    name: 'wasm',
    init: async () => info,
    ort: () => ort,
    createSession: (model) => ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 }),
    dispose: async () => undefined,
  };
  return { provider, info, why: 'onnxruntime-node (comparison script)' };
}

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
