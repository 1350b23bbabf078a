/**
 * onnxruntime-node's native CPU provider behind the runtime's provider contract, for comparison
 * with the WASM provider on the same graphs (docs/benchmarks.md). onnxruntime-node is a
 * devDependency: only the benchmark scripts load it.
 */
import type { OrtModule, Provider, ProviderInfo } from '../../runtime/providers/provider';
import type { ResolvedProvider } from '../../runtime/providers/registry';

/**
 * Its CPU kernels are the ones the WASM build compiles, so it takes the WASM provider's name and
 * kernel acceptance. Session options are onnxruntime's defaults (idle threads spin briefly), so
 * the comparison is against its best.
 */
export function nodeCpuProvider(threads: number): ResolvedProvider {
  // Both packages register a backend named 'cpu' in the onnxruntime-common they share, and the
  // first registration keeps the name whatever the priorities: loaded second, 'cpu' sessions would
  // run on onnxruntime-web's WASM (measured: "node" as slow as WASM, in the same process).
  if (Object.keys(require.cache).some((file) => /[\\/]onnxruntime-web[\\/]/.test(file))) {
    throw new Error('onnxruntime-node must be loaded before onnxruntime-web: create the node CPU provider first');
  }
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
