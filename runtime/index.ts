/** Public entry of the runtime; the only place providers are registered. */
import * as os from 'node:os';
import { defaultEnv, type RuntimeEnv } from './env';
import { ProviderRegistry } from './providers/registry';
import { wasmProvider } from './providers/wasm';
import { webgpuProvider } from './providers/webgpu';
import { Runtime } from './runtime';

export type { RuntimeEnv } from './env';
export { Runtime, type AdapterStatus, type ParityReport } from './runtime';
export type { AttendMask, AttendOptions, AttendResult, AttendTensor } from './attend';
export { refusal, toDtype, fromDtype, type KernelSession, type KernelFeeds, type KernelRun } from './kernel-session';
export { TOLERANCE, compareWithReference, type ParityCheck } from './parity';
export { estimateMemory, type MemoryEstimate } from './memory';
export { describeConfig } from './describe';
export type { AdapterReport, SubgroupPlan } from './providers/adapter';
export type { ProviderInfo } from './providers/provider';
export { RuntimeProxy, type ProxyOptions } from './worker/proxy';

/** Path of SwiftShader's Vulkan driver in Debian's chromium package (a CPU WebGPU adapter). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function createRuntime(overrides: Partial<RuntimeEnv> = {}): Runtime {
  const base = defaultEnv(os.availableParallelism());
  const env: RuntimeEnv = { ...base, ...overrides, wasm: { ...base.wasm, ...overrides.wasm }, webgpu: { ...base.webgpu, ...overrides.webgpu } };
  const registry = new ProviderRegistry();
  const webgpu = webgpuProvider(env);
  registry.register(webgpu, 2);
  registry.register(wasmProvider(env), 1);
  return new Runtime(env, registry, webgpu.state);
}
