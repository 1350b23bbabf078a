/**
 * The onnxruntime-web module both providers run on: its WebGPU bundle, whose one WASM build
 * (asyncify) also serves the WASM provider, so a package ships a single WASM build. The two
 * providers share its WASM instance, which takes its thread count from whichever session starts
 * first: so both configure it the same way, here.
 */
import * as v8 from 'node:v8';
import type { RuntimeEnv } from '../env';
import type { OrtModule } from './provider';

/**
 * V8's budget (bytes run in baseline code) before it recompiles a WASM function with TurboFan;
 * its default is 1.8 MB. The asyncify build's two largest functions (1.5 and 1.3 MB of code; the
 * second is its static constructors, run once) spend the default budget during start-up, and
 * TurboFan then spends 100–150 s of CPU and up to 1 GB of memory on each in V8's background
 * threads, which Node joins before the process exits (measured, Node 20, V8 11.3; docs/extension.md).
 * 50 MB keeps start-up code in the baseline tier; a kernel's loop spends it within milliseconds.
 * Later V8 releases (VS Code's Electron) keep the flag with a 13 MB default: 50 MB is above both.
 */
const WASM_TIERING_BUDGET = 50_000_000;

export function loadOrt(env: RuntimeEnv): OrtModule {
  // Read when a module is instantiated, so before onnxruntime-web instantiates its build.
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  const ort = require('onnxruntime-web/webgpu') as OrtModule;
  ort.env.wasm.numThreads = env.wasm.numThreads;
  ort.env.logLevel = env.logLevel;
  return ort;
}
