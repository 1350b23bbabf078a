/**
 * Messages between the runtime proxy and its worker thread (after onnxruntime-web's
 * proxy-messages.ts): a request is `{type, id, in}`, its answer `{type, id, out}` or
 * `{type, id, err}`. One entry per method of the runtime that crosses the thread boundary.
 */
import type { AttendOptions, AttendResult, AttendTensor } from '../attend';
import type { ProviderName } from '../dispatch/capabilities';
import type { AdapterStatus, ParityReport } from '../runtime';

export interface Methods {
  attend: { in: { q: AttendTensor; k: AttendTensor; v: AttendTensor; options: AttendOptions }; out: AttendResult };
  parity: { in: { provider: ProviderName }; out: ParityReport };
  adapter: { in: Record<string, never>; out: AdapterStatus };
  dispose: { in: Record<string, never>; out: null };
  /** For tests of crash and hang recovery only: the worker exits, or blocks its thread forever. */
  debug: { in: { action: 'exit' | 'hang' }; out: null };
}

export type MethodName = keyof Methods;

export type Request = { [T in MethodName]: { type: T; id: number; in: Methods[T]['in'] } }[MethodName];

export type Response = { [T in MethodName]: { type: T; id: number; out: Methods[T]['out'] } | { type: T; id: number; err: string } }[MethodName];
