/**
 * The runtime as the CLI creates it: WebGPU falls back to SwiftShader's Vulkan driver where no
 * driver is configured and Debian's chromium ships it (a CPU adapter), and `--threads` sets the
 * WASM thread count. `withRuntime` disposes it (destroying the WebGPU device) before returning,
 * so the process can end promptly.
 */
import { createRuntime, SWIFTSHADER_ICD, type Runtime } from '../../runtime';

export async function withRuntime<T>(threads: number | undefined, job: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = createRuntime({
    webgpu: { subgroups: 'auto', vulkanIcd: SWIFTSHADER_ICD },
    ...(threads === undefined ? {} : { wasm: { numThreads: threads } }),
  });
  try {
    return await job(runtime);
  } finally {
    await runtime.dispose();
  }
}
