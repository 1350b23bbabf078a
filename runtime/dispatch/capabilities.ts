/**
 * What one of the runtime's kernels accepts on one provider, as data for the `web` policy.
 * Kernels declare these (kernels/), parity checks can mark one broken; the policy never imports
 * onnxruntime-web, it reads only these records.
 */
import type { Dtype, MaskKind } from './facts';

export type ProviderName = 'webgpu' | 'wasm';

export interface KernelCapability {
  /** Kernel id, e.g. `math`, `fused`, `gqa`, `onnx-attention`. */
  readonly kernel: string;
  readonly provider: ProviderName;
  readonly dtypes: readonly Dtype[];
  /** Mask kinds the kernel takes (`none` always; `float` and `bool` where it has a bias input). */
  readonly masks: readonly MaskKind[];
  readonly causal: boolean;
  /** Fewer key/value heads than query heads (GQA/MQA). */
  readonly groupedHeads: boolean;
  /** Query length differing from key length (decode against a KV cache). */
  readonly crossLengths: boolean;
  readonly maxHeadDim: number | null;
  /** None of the runtime's kernels implement dropout; a call with dropout is measured without it. */
  readonly dropout: boolean;
  /** Only computes causal attention (GroupQueryAttention); absent means false. */
  readonly causalOnly?: boolean;
  /** Dtypes the kernel has but cannot run here, with the reason (no `shader-f16`, parity failed). */
  readonly refusedDtypes?: Readonly<Partial<Record<Dtype, string>>>;
  /** `ok: false` when the provider lacks it or parity failed; `reason` says which, verbatim. */
  readonly status: { readonly ok: true } | { readonly ok: false; readonly reason: string };
}
