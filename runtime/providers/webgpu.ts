/// <reference types="@webgpu/types" />
/**
 * The WebGPU provider: onnxruntime-web's WebGPU bundle on a device we create ourselves, so we
 * choose its features (subgroups: adapter.ts) and can destroy it. float16 needs `shader-f16`.
 */
import type { RuntimeEnv } from '../env';
import { adapterReport, deviceFeatures, subgroupPlan, type AdapterReport, type SubgroupPlan } from './adapter';
import { copySharedWrites } from './dawn-write-buffer';
import { gpuSource, noAdapterHint } from './gpu-source';
import { loadOrt } from './ort-module';
import type { OrtModule, Provider, ProviderInfo } from './provider';

export interface WebGpuState {
  readonly adapter: AdapterReport;
  readonly subgroups: SubgroupPlan;
  readonly origin: string;
}

/**
 * onnxruntime-web 1.30 binds its WebGPU provider to the first device it is given in a process;
 * sessions on a second device fail with "Invalid argument" (measured). So one device per process.
 */
let deviceCreated = false;
const ONE_DEVICE = 'onnxruntime-web binds its WebGPU provider to the first device of a process, and this process already created one (a second runtime, or WebGPU after dispose()); use one runtime per process';

export function webgpuProvider(env: RuntimeEnv): Provider & { state(): WebGpuState | null } {
  let ort: OrtModule | null = null;
  let device: GPUDevice | null = null;
  let state: WebGpuState | null = null;
  return {
    name: 'webgpu',
    async init(): Promise<ProviderInfo> {
      if (deviceCreated) throw new Error(ONE_DEVICE);
      const source = await gpuSource(env.webgpu.vulkanIcd);
      const adapter = await source.gpu.requestAdapter();
      if (!adapter) throw new Error(`no WebGPU adapter: ${source.origin === 'navigator.gpu' ? 'navigator.gpu.requestAdapter() returned null' : noAdapterHint()}`);
      const report = adapterReport(adapter);
      const plan = subgroupPlan(report, env.webgpu.subgroups);
      deviceCreated = true;
      device = await adapter.requestDevice({
        requiredFeatures: deviceFeatures(report, plan),
        requiredLimits: {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
          maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
          maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
          maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
        },
      });
      if (source.origin !== 'navigator.gpu') copySharedWrites(device.queue);
      ort = loadOrt(env);
      state = { adapter: report, subgroups: plan, origin: source.origin };
      const name = `${report.vendor} ${report.architecture}`.trim() || 'unnamed adapter';
      return {
        name: 'webgpu',
        description: `WebGPU: ${name}${report.description ? ` (${report.description})` : ''}`,
        adapter: report,
        maxBufferBytes: Math.min(report.maxStorageBufferBindingSize, report.maxBufferSize),
        maxTotalBytes: Infinity,
        refusedDtypes: report.shaderF16 ? {} : { float16: `float16 on WebGPU needs the 'shader-f16' feature, which this adapter (${name}) lacks` },
      };
    },
    ort() {
      if (!ort) throw new Error('webgpu provider used before init');
      return ort;
    },
    createSession(model) {
      if (!device) throw new Error('webgpu provider used before init');
      return this.ort().InferenceSession.create(model, { executionProviders: [{ name: 'webgpu', device }], logSeverityLevel: 3 });
    },
    async dispose() {
      device?.destroy();
      device = null;
    },
    state: () => state,
  };
}
