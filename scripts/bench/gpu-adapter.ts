/** Whether WebGPU found a real GPU: CPU implementations of Vulkan answer too, and must not pass for one. */
import type { AdapterReport } from '../../runtime/providers/adapter';

/** Vulkan drivers that run on the CPU (SwiftShader, Mesa's lavapipe/llvmpipe). */
const CPU_DRIVER = /swiftshader|llvmpipe|lavapipe/i;

/** Why the adapter is not a GPU, or null when it is one. */
export function cpuAdapterReason(a: AdapterReport): string | null {
  const name = [a.vendor, a.architecture, a.description, a.device].filter(Boolean).join(' / ');
  return CPU_DRIVER.test(name) ? `the only adapter is ${name}, a CPU implementation of Vulkan` : null;
}
