/**
 * What the code lens and hover say about a call's latency: the state of its measurement, and the
 * job sent to the runtime for it. The scheduling lives in measurements.ts.
 */
import type { Dtype } from '../../runtime/dispatch/facts';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { BenchShape, BenchmarkRow } from '../protocol';

export type LatencyState =
  | { readonly kind: 'off' }
  | { readonly kind: 'measuring' }
  | { readonly kind: 'measured'; readonly row: BenchmarkRow }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** One call's measurement: what the runtime runs (it picks the kernel with the web policy). */
export interface MeasureJob {
  readonly shape: BenchShape;
  readonly dtype: Dtype;
  readonly causal: boolean;
  readonly bias: boolean;
  readonly providers: readonly ProviderName[];
}

export const PROVIDER_LABELS: Readonly<Record<ProviderName, string>> = { webgpu: 'WebGPU', wasm: 'WASM' };

/** The lens' latency part: `0.42 ms WebGPU`, `measuring…`, `unavailable: …`; null when off. */
export function latencyText(state: LatencyState): string | null {
  switch (state.kind) {
    case 'off': return null;
    case 'measuring': return 'measuring…';
    case 'unavailable': return `unavailable: ${state.reason}`;
    case 'measured':
      return state.row.medianMs === null
        ? `unavailable: ${state.row.reason ?? state.row.status}`
        : `${formatMs(state.row.medianMs)} ${PROVIDER_LABELS[state.row.provider]}`;
  }
}

/** Milliseconds with two significant figures (three from 100 on). */
export function formatMs(ms: number): string {
  return `${Number(ms.toPrecision(ms >= 100 ? 3 : 2))} ms`;
}

/** The cache key of a measurement: the same job on the same adapter gives the same latency. */
export function jobKey(job: MeasureJob): string {
  const s = job.shape;
  return [s.batch, s.heads, s.kvHeads, s.seqQ, s.seqKv, s.headDim, job.dtype, job.causal ? 'causal' : '', job.bias ? 'bias' : '', job.providers.join('>')].join(':');
}
