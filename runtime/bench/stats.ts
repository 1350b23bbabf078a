/** Order statistics of latency samples. Pure; percentiles interpolate linearly between ranks. */

export interface Spread {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

/**
 * The p-th percentile (0–100) of `samples`, linear between the closest ranks (NumPy's default):
 * rank (n − 1)·p/100 of the sorted samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function spread(samples: readonly number[]): Spread {
  return { median: median(samples), p10: percentile(samples, 10), p90: percentile(samples, 90) };
}
