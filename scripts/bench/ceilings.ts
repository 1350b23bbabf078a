/**
 * What a benchmark row's latency means against the CPU: the attention's floating-point work and
 * the peak fp32 rates of 128-bit WebAssembly SIMD and of the native vector units on the threads
 * used. Pure, except `cpuClockGHz` which reads /proc/cpuinfo.
 */
import { readFileSync } from 'node:fs';
import type { BenchShape } from '../../runtime/bench/cases';

/**
 * fp32 flops per cycle per core: 2 vector pipes × lanes × 2 (a multiply-add is two flops).
 * SIMD128 has 4 lanes; native is 8 (AVX2, or AVX-512 run as two 256-bit halves on AMD Zen 4).
 * WebAssembly SIMD has no fused multiply-add, so its ceiling assumes multiply and add issue in parallel.
 */
export const FLOPS_PER_CYCLE = { simd128: 16, native: 32 } as const;

/** QKᵀ and P·V: 2·B·H·Lq·Lk·D multiply-adds counted as two flops each (causal rows are counted in full). */
export function attentionFlops(s: BenchShape): number {
  return 4 * s.batch * s.heads * s.seq * s.kv_seq * s.head_dim;
}

export function gflopsPerSecond(flops: number, ms: number): number {
  return flops / ms / 1e6;
}

export interface Ceilings {
  readonly clockGHz: number;
  readonly threads: number;
  /** GFLOP/s. */
  readonly simd128: number;
  readonly native: number;
}

export function ceilings(threads: number, clockGHz: number): Ceilings {
  return { clockGHz, threads, simd128: threads * clockGHz * FLOPS_PER_CYCLE.simd128, native: threads * clockGHz * FLOPS_PER_CYCLE.native };
}

/** The clock /proc/cpuinfo reports for the first core (a VM reports its base clock); null where there is none. */
export function cpuClockGHz(cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })()): number | null {
  const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo);
  return mhz ? Number(mhz[1]) / 1000 : null;
}
