/**
 * What a kernel is: an ONNX graph builder for one attention configuration, plus the statement of
 * what it accepts on each provider. Every kernel graph has the same interface:
 * inputs `q` [B,H,Lq,D], `k` [B,Hkv,Lk,D], `v` [B,Hkv,Lk,Dv], optional `mask` [B|1,H|1,Lq,Lk];
 * output `out` [B,H,Lq,Dv]. Causal masking is bottom-right aligned: query i sees keys
 * j ≤ i + (Lk − Lq), the KV-cache convention (flash-attn ≥ 2.1, onnxruntime).
 */
import type { ProviderName } from '../runtime/dispatch/capabilities';

export type KernelId = 'math' | 'fused' | 'gqa' | 'onnx-attention';
export type KernelDtype = 'float32' | 'float16';

export interface AttentionShape {
  readonly batch: number;
  readonly heads: number;
  /** Key/value heads; a divisor of `heads` (fewer = grouped-query / multi-query attention). */
  readonly kvHeads: number;
  readonly seqQ: number;
  readonly seqKv: number;
  readonly headDim: number;
  /** Head dim of v (may differ from q/k's). */
  readonly headDimV: number;
}

/**
 * An additive float bias or a boolean mask (true = attend) of shape [batch, heads, Lq, Lk], where
 * batch is 1 or B and heads is 1 or H (1 broadcasts).
 */
export type MaskSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'float' | 'bool'; readonly batch: number; readonly heads: number };

export interface KernelConfig {
  readonly shape: AttentionShape;
  readonly dtype: KernelDtype;
  readonly mask: MaskSpec;
  readonly causal: boolean;
  /** Softmax scale; 1/√D when absent. */
  readonly scale?: number;
}

/** What a kernel accepts on one provider, or why it is unavailable there. */
export type Acceptance =
  | {
      readonly available: true;
      readonly dtypes: readonly KernelDtype[];
      readonly masks: readonly ('none' | 'float' | 'bool')[];
      readonly causal: boolean;
      /** Only computes causal attention (GQA). */
      readonly causalOnly: boolean;
      readonly groupedHeads: boolean;
      readonly crossLengths: boolean;
      readonly maxHeadDim: number | null;
    }
  | { readonly available: false; readonly reason: string };

export interface KernelSpec {
  readonly id: KernelId;
  /** One line: which operator(s) the graph runs. */
  readonly summary: string;
  readonly accepts: Readonly<Record<ProviderName, Acceptance>>;
  /** Shape constraints beyond `accepts` (e.g. D = Dv); null when the config is fine. */
  refuse(config: KernelConfig): string | null;
  /** The ONNX model bytes for this configuration. */
  build(config: KernelConfig): Uint8Array;
}

export function scaleOf(config: KernelConfig): number {
  return config.scale ?? 1 / Math.sqrt(config.shape.headDim);
}
