/**
 * The onnxruntime-web module both providers run on: its WebGPU bundle, whose one WASM build
 * (asyncify) also serves the WASM provider, so a package ships a single WASM build. The two
 * providers share its WASM instance, which takes its thread count from whichever session starts
 * first: so both configure it the same way, here.
 */
import type { RuntimeEnv } from '../env';
import type { OrtModule } from './provider';

export function loadOrt(env: RuntimeEnv): OrtModule {
  const ort = require('onnxruntime-web/webgpu') as OrtModule;
  ort.env.wasm.numThreads = env.wasm.numThreads;
  ort.env.logLevel = env.logLevel;
  return ort;
}
