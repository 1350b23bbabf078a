/** Every kernel of the runtime, by id: the only list. */
import { FUSED } from './fused';
import { GQA } from './gqa';
import type { KernelId, KernelSpec } from './kernel';
import { MATH } from './math';
import { ONNX_ATTENTION } from './onnx-attention';

export const KERNELS: Readonly<Record<KernelId, KernelSpec>> = {
  math: MATH,
  fused: FUSED,
  gqa: GQA,
  'onnx-attention': ONNX_ATTENTION,
};

export const KERNEL_IDS = Object.keys(KERNELS) as KernelId[];
