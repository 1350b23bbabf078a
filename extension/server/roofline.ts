/**
 * Roofline estimate of one fused attention forward pass on a target GPU:
 *
 *   FLOPs = 4 · B · H · Lq · Lkv · D            (Q·Kᵀ and P·V, two FLOPs per multiply-add; × ½ when causal)
 *   bytes = s · D · (2 · B · H · Lq + 2 · B · Hkv · Lkv)   (read q, k, v and write o once; s = bytes per element)
 *   time  = max(FLOPs / peak FLOP/s(dtype), bytes / bandwidth) / efficiency
 *
 * A lower bound for fused kernels (the L×L scores never reach memory); it ignores launch overhead.
 * Peaks are the vendors' dense figures (tensor cores for float16/bfloat16, plain FP32/FP64 units else).
 */
import type { Dtype } from '../../runtime/dispatch/facts';
import type { ResolvedShape } from './shape-profile';

export const GPU_NAMES = ['B200', 'H100', 'A100', 'RTX 5090', 'RTX 4090', 'L4', 'T4'] as const;
export type GpuName = (typeof GPU_NAMES)[number];

interface GpuPeaks {
  /** TFLOP/s per dtype. */
  readonly tflops: Readonly<Record<Dtype, number>>;
  /** Memory bandwidth in TB/s. */
  readonly bandwidth: number;
}

export const GPU_PEAKS: Readonly<Record<GpuName, GpuPeaks>> = {
  B200: { tflops: { float16: 2250, bfloat16: 2250, float32: 80, float64: 40 }, bandwidth: 8 }, // HGX B200, 1000 W (sm100)
  // GeForce rates with FP32 accumulate, as PyTorch uses (half the FP16-accumulate 419 TFLOP/s; sm120).
  'RTX 5090': { tflops: { float16: 209.5, bfloat16: 209.5, float32: 104.8, float64: 1.64 }, bandwidth: 1.792 },
  H100: { tflops: { float16: 989.4, bfloat16: 989.4, float32: 66.9, float64: 66.9 }, bandwidth: 3.35 }, // SXM5
  A100: { tflops: { float16: 312, bfloat16: 312, float32: 19.5, float64: 19.5 }, bandwidth: 2.039 }, // SXM4 80 GB
  'RTX 4090': { tflops: { float16: 165.2, bfloat16: 165.2, float32: 82.6, float64: 1.29 }, bandwidth: 1.008 },
  L4: { tflops: { float16: 121, bfloat16: 121, float32: 30.3, float64: 0.47 }, bandwidth: 0.3 },
  // Turing has no bfloat16 units: bfloat16 runs at the FP32 rate.
  T4: { tflops: { float16: 65, bfloat16: 8.1, float32: 8.1, float64: 0.25 }, bandwidth: 0.32 },
};

const BYTES: Readonly<Record<Dtype, number>> = { float16: 2, bfloat16: 2, float32: 4, float64: 8 };

export interface RooflineEstimate {
  readonly gpu: GpuName;
  readonly dtype: Dtype;
  readonly flops: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly bound: 'compute' | 'memory';
  readonly efficiency: number;
}

export function estimate(gpu: GpuName, dtype: Dtype, shape: ResolvedShape, causal: boolean, efficiency: number): RooflineEstimate {
  const b = shape.batch.value, h = shape.heads.value, hkv = shape.kvHeads.value;
  const lq = shape.seqQ.value, lkv = shape.seqKv.value, d = shape.headDim.value;
  const flops = 4 * b * h * lq * lkv * d * (causal ? 0.5 : 1);
  const bytes = BYTES[dtype] * d * (2 * b * h * lq + 2 * b * hkv * lkv);
  const peaks = GPU_PEAKS[gpu];
  const computeSeconds = flops / (peaks.tflops[dtype] * 1e12);
  const memorySeconds = bytes / (peaks.bandwidth * 1e12);
  return {
    gpu, dtype, flops, bytes, efficiency,
    seconds: Math.max(computeSeconds, memorySeconds) / efficiency,
    bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
  };
}

/** `35 µs`, `1.2 ms`, `0.52 µs`: three significant figures at most. */
export function formatSeconds(seconds: number): string {
  const [value, unit] = seconds >= 1e-3 ? [seconds * 1e3, 'ms'] : [seconds * 1e6, 'µs'];
  return `${Number(value.toPrecision(value >= 100 ? 3 : 2))} ${unit}`;
}
