/**
 * Benchmark cases as data: a kernel, a dtype, a shape and a bias kind. A sweep varies one shape
 * dimension over a list; every kernel runs every shape.
 */
import type { KernelConfig, KernelDtype, KernelId } from '../../kernels/kernel';

/** How the scores are biased: nothing, an additive float bias, a boolean mask, or causal masking. */
export type BiasKind = 'none' | 'float' | 'bool' | 'causal';
export const BIAS_KINDS: readonly BiasKind[] = ['none', 'float', 'bool', 'causal'];

/** The JSON report's shape vocabulary (snake_case, as documented in docs/benchmarks.md). */
export interface BenchShape {
  readonly batch: number;
  readonly heads: number;
  readonly seq: number;
  readonly kv_seq: number;
  readonly head_dim: number;
}
export const SHAPE_DIMS: readonly (keyof BenchShape)[] = ['batch', 'heads', 'seq', 'kv_seq', 'head_dim'];

export interface BenchCase {
  readonly kernel: KernelId;
  readonly dtype: KernelDtype;
  readonly shape: BenchShape;
  readonly bias: BiasKind;
}

/** One dimension and its values, e.g. seq over 128, 256, 512, 1024. */
export interface Sweep {
  readonly dim: keyof BenchShape;
  readonly values: readonly number[];
}

export interface CaseGrid {
  readonly kernels: readonly KernelId[];
  readonly dtype: KernelDtype;
  readonly shape: BenchShape;
  readonly bias: BiasKind;
  readonly sweep?: Sweep;
}

/**
 * The cases of a grid, shape-major (all kernels of one shape, then the next), so a table reads
 * as kernels side by side. Sweeping `seq` moves `kv_seq` along unless it was set apart.
 */
export function expandCases(grid: CaseGrid): BenchCase[] {
  const shapes = grid.sweep
    ? grid.sweep.values.map((value): BenchShape => ({
        ...grid.shape,
        [grid.sweep!.dim]: value,
        ...(grid.sweep!.dim === 'seq' && grid.shape.kv_seq === grid.shape.seq ? { kv_seq: value } : {}),
      }))
    : [grid.shape];
  return shapes.flatMap((shape) => grid.kernels.map((kernel) => ({ kernel, dtype: grid.dtype, shape, bias: grid.bias })));
}

/** The kernel configuration of a case: a float bias or boolean mask spans every batch and head. */
export function kernelConfig(c: BenchCase): KernelConfig {
  const s = c.shape;
  const mask = c.bias === 'float' || c.bias === 'bool' ? { kind: c.bias, batch: s.batch, heads: s.heads } : { kind: 'none' as const };
  return {
    shape: { batch: s.batch, heads: s.heads, kvHeads: s.heads, seqQ: s.seq, seqKv: s.kv_seq, headDim: s.head_dim, headDimV: s.head_dim },
    dtype: c.dtype,
    mask,
    causal: c.bias === 'causal',
  };
}
