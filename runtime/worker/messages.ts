/**
 * Messages between the runtime proxy and its worker thread (after onnxruntime-web's
 * proxy-messages.ts): a request is `{type, id, in}`, its answer `{type, id, out}` or
 * `{type, id, err}`. One entry per method of the runtime that crosses the thread boundary.
 */
import type { AttendOptions, AttendResult, AttendTensor } from '../attend';
import type { BenchCase } from '../bench/cases';
import type { BenchReport } from '../bench/harness';
import type { SamplingPolicy } from '../bench/sampler';
import type { ProviderName } from '../dispatch/capabilities';
import type { AdapterStatus, ParityReport } from '../runtime';

export interface Methods {
  attend: { in: { q: AttendTensor; k: AttendTensor; v: AttendTensor; options: AttendOptions }; out: AttendResult };
  parity: { in: { provider: ProviderName }; out: ParityReport };
  adapter: { in: Record<string, never>; out: AdapterStatus };
  /** The benchmark harness on one provider: a row per case, parity first, ok:false with the reason for what is refused. */
  bench: { in: { provider: ProviderName; cases: readonly BenchCase[]; policy: SamplingPolicy }; out: BenchReport };
  dispose: { in: Record<string, never>; out: null };
  /** For tests of crash and hang recovery only: the worker exits, or blocks its thread forever. */
  debug: { in: { action: 'exit' | 'hang' }; out: null };
}

export type MethodName = keyof Methods;

export type Request = { [T in MethodName]: { type: T; id: number; in: Methods[T]['in'] } }[MethodName];

export type Response = { [T in MethodName]: { type: T; id: number; out: Methods[T]['out'] } | { type: T; id: number; err: string } }[MethodName];
