/**
 * The server's view of the runtime worker: the only place the server talks to it. The worker runs
 * kernels off the server's thread; this interface is what handlers and measurements call.
 */
import type { CancellationToken } from 'vscode-languageserver';
import type { BenchMask, BenchmarkRow, BenchShape, RuntimeReport, ServerStatus } from '../protocol';
import type { Dtype } from '../../runtime/dispatch/facts';
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { MeasureJob } from './measurement';

export interface BenchmarkJob {
  readonly shapes: readonly BenchShape[];
  readonly dtype: Dtype;
  readonly mask: BenchMask;
  readonly providers: readonly ProviderName[];
}

/** Called after each (kernel, provider, shape) with the steps done and the total. */
export type ProgressListener = (done: number, total: number, label: string) => void;

export interface RuntimeGateway {
  status(): ServerStatus;
  /** Calls `listener` whenever `status()` changes (worker ready, crashed, restarted). */
  onStatus(listener: (status: ServerStatus) => void): void;
  /** Adapter and kernel parity of the given providers. */
  report(providers: readonly ProviderName[], token: CancellationToken): Promise<RuntimeReport>;
  benchmark(job: BenchmarkJob, progress: ProgressListener, token: CancellationToken): Promise<BenchmarkRow[]>;
  /** The latency of one call's kernel, as picked by the runtime's web policy. */
  measure(job: MeasureJob, token: CancellationToken): Promise<BenchmarkRow>;
  dispose(): void;
}

/** Raised by a gateway that has no runtime; its message is shown as is. */
export class RuntimeUnavailableError extends Error {}

/** A gateway for a server without a runtime worker: every call fails with `reason`. */
export function unavailableRuntime(reason: string): RuntimeGateway {
  const fail = async (): Promise<never> => { throw new RuntimeUnavailableError(`runtime not available: ${reason}`); };
  return {
    status: () => ({ runtime: 'unavailable', text: `runtime not available: ${reason}` }),
    onStatus: () => undefined,
    report: fail,
    benchmark: fail,
    measure: fail,
    dispose: () => undefined,
  };
}
