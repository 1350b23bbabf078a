/**
 * One WASM runtime for the whole mocha process. WebGPU is tested in a child process
 * (webgpu-report.ts), so this process never loads Dawn and exits as soon as the tests end.
 */
import { createRuntime, type Runtime } from '../../runtime';

let shared: Runtime | null = null;

export function sharedRuntime(): Runtime {
  shared ??= createRuntime({ providers: ['wasm'] });
  return shared;
}

after(async () => {
  await shared?.dispose();
});
