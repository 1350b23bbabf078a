/**
 * Adaptive sampling: warm-up runs first (discarded), then timed runs until the median has
 * settled or the time budget is spent, within [minRuns, maxRuns]. Slow cases stop at minRuns
 * once over budget; fast ones stop as soon as more runs would not move the median.
 */
import { median } from './stats';

export interface SamplingPolicy {
  /** Untimed runs first: session warm-up, shader compilation, allocator growth. */
  readonly warmupRuns: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  /** Timed runs stop after this much time once minRuns are done. */
  readonly budgetMs: number;
  /** Settled: the median of all samples is within this fraction of the median of the first half. */
  readonly settleTolerance: number;
}

export const DEFAULT_POLICY: SamplingPolicy = { warmupRuns: 3, minRuns: 7, maxRuns: 200, budgetMs: 2000, settleTolerance: 0.02 };

/** Fewer, shorter runs: for a quick table (`attnlens bench --quick`) and tests. */
export const QUICK_POLICY: SamplingPolicy = { warmupRuns: 2, minRuns: 5, maxRuns: 50, budgetMs: 400, settleTolerance: 0.05 };

/** Whether the samples taken so far are enough. Settling is judged only from 2·minRuns on. */
export function enoughSamples(samples: readonly number[], elapsedMs: number, policy: SamplingPolicy): boolean {
  const n = samples.length;
  if (n >= policy.maxRuns) return true;
  if (n < policy.minRuns) return false;
  if (elapsedMs >= policy.budgetMs) return true;
  if (n < 2 * policy.minRuns) return false;
  const all = median(samples);
  const firstHalf = median(samples.slice(0, Math.floor(n / 2)));
  return Math.abs(all - firstHalf) <= policy.settleTolerance * all;
}

/**
 * Runs `once` (which returns its own time in ms) `policy.warmupRuns` times untimed, then samples
 * it until `enoughSamples`. Each sample is what `once` measured, so setup outside its timed
 * section is not counted.
 */
export async function sample(once: () => Promise<number>, policy: SamplingPolicy): Promise<number[]> {
  for (let i = 0; i < policy.warmupRuns; i++) await once();
  const samples: number[] = [];
  const start = performance.now();
  do samples.push(await once());
  while (!enoughSamples(samples, performance.now() - start, policy));
  return samples;
}
