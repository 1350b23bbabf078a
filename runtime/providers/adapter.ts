/// <reference types="@webgpu/types" />
/**
 * What we report about a WebGPU adapter, and the pure decision whether the device gets
 * subgroups. onnxruntime-web 1.30's FlashAttention for MultiHeadAttention / GroupQueryAttention
 * prefill uses subgroup shuffles over 8 lanes; on an adapter whose subgroups are narrower it
 * counts keys several times (docs/runtime.md). Without the subgroup features on the device it
 * takes its shared-memory kernel, which is right.
 */
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly device: string;
  readonly shaderF16: boolean;
  readonly subgroups: boolean;
  readonly subgroupMinSize: number | null;
  readonly subgroupMaxSize: number | null;
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  /** The adapter's features, sorted. */
  readonly features: readonly string[];
}

/** Features that make onnxruntime take its subgroup kernels. Both count: either alone triggers them. */
export const SUBGROUP_FEATURES = ['subgroups', 'subgroup-size-control'] as const;

/** Lanes onnxruntime's subgroup FlashAttention assumes (it shuffles over lanes 0–7). */
export const MIN_SAFE_SUBGROUP = 8;

export interface SubgroupPlan {
  readonly use: boolean;
  readonly reason: string;
}

/** Describes a GPUAdapter as data. */
export function adapterReport(adapter: GPUAdapter): AdapterReport {
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  const features = [...adapter.features].sort();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    device: info.device,
    shaderF16: features.includes('shader-f16'),
    subgroups: features.includes('subgroups'),
    subgroupMinSize: info.subgroupMinSize ?? null,
    subgroupMaxSize: info.subgroupMaxSize ?? null,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    features,
  };
}

/** Whether the device gets subgroups, and why, given the adapter and the `subgroups` setting. */
export function subgroupPlan(a: AdapterReport, setting: 'auto' | 'on' | 'off'): SubgroupPlan {
  if (!a.subgroups) return { use: false, reason: 'the adapter has no subgroups' };
  if (setting === 'on') return { use: true, reason: 'subgroups forced on by settings (webgpu.subgroups = on)' };
  if (setting === 'off') return { use: false, reason: 'subgroups turned off by settings (webgpu.subgroups = off)' };
  if (a.subgroupMinSize === null) {
    return { use: false, reason: `subgroups dropped: the adapter does not report its subgroup size, and onnxruntime's subgroup FlashAttention needs at least ${MIN_SAFE_SUBGROUP} lanes` };
  }
  if (a.subgroupMinSize < MIN_SAFE_SUBGROUP) {
    return { use: false, reason: `subgroups dropped: this adapter's subgroups can have ${a.subgroupMinSize} lanes and onnxruntime's subgroup FlashAttention (MultiHeadAttention/GroupQueryAttention prefill) needs at least ${MIN_SAFE_SUBGROUP}` };
  }
  return { use: true, reason: `subgroups kept: at least ${a.subgroupMinSize} lanes` };
}

/** The device features to request: all the adapter has, less the subgroup ones unless the plan keeps them. */
export function deviceFeatures(a: AdapterReport, plan: SubgroupPlan): GPUFeatureName[] {
  const dropped: readonly string[] = plan.use ? [] : SUBGROUP_FEATURES;
  return a.features.filter((f) => !dropped.includes(f)) as GPUFeatureName[];
}
