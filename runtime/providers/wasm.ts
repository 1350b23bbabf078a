/** The WASM provider: onnxruntime-web's CPU provider on WebAssembly, with threads (ort-module.ts). */
import type { RuntimeEnv } from '../env';
import { loadOrt } from './ort-module';
import type { OrtModule, Provider, ProviderInfo } from './provider';

/** wasm32 memory is 4 GiB for everything; one ArrayBuffer view into it is at most 2 GiB. */
const WASM_MEMORY = 2 ** 32;
const WASM_BUFFER = 2 ** 31;

export function wasmProvider(env: RuntimeEnv): Provider {
  let ort: OrtModule | null = null;
  return {
    name: 'wasm',
    async init(): Promise<ProviderInfo> {
      ort = loadOrt(env);
      const threads = ort.env.wasm.numThreads ?? 1;
      return { name: 'wasm', description: `WASM, ${threads} thread${threads === 1 ? '' : 's'}`, maxBufferBytes: WASM_BUFFER, maxTotalBytes: WASM_MEMORY, refusedDtypes: {} };
    },
    ort() {
      if (!ort) throw new Error('wasm provider used before init');
      return ort;
    },
    createSession(model) {
      return this.ort().InferenceSession.create(model, { executionProviders: ['wasm'], logSeverityLevel: 3 });
    },
    async dispose() { /* sessions own the WASM memory; nothing else to release */ },
  };
}
