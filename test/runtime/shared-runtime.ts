/**
 * One runtime for the whole mocha process, so WebGPU's warm-up (~40 s on SwiftShader) is paid
 * once. Uses SwiftShader when no Vulkan driver is configured and Debian's chromium ships it.
 * A root after-all hook destroys the device so the process ends promptly.
 */
import { createRuntime, SWIFTSHADER_ICD, type Runtime } from '../../runtime';

let shared: Runtime | null = null;

export function sharedRuntime(): Runtime {
  shared ??= createRuntime({ webgpu: { subgroups: 'auto', vulkanIcd: SWIFTSHADER_ICD } });
  return shared;
}

after(async () => {
  await shared?.dispose();
});
