/**
 * onnxruntime-web as the providers load it: the plain build for the WASM provider, the WebGPU
 * bundle (asyncify WASM build) for WebGPU, both configured here alike. The WASM provider does not
 * run on the asyncify build: measured in the language server's runtime worker, a thread of it kept
 * spinning after the sessions were released, so the server never exited after `exit`.
 */
import type { RuntimeEnv } from '../env';
import type { OrtModule } from './provider';

export function loadOrt(env: RuntimeEnv, bundle: 'wasm' | 'webgpu'): OrtModule {
  const ort = (bundle === 'wasm' ? require('onnxruntime-web') : require('onnxruntime-web/webgpu')) as OrtModule;
  ort.env.wasm.numThreads = env.wasm.numThreads;
  ort.env.logLevel = env.logLevel;
  return ort;
}
