/**
 * The runtime behind a worker thread, with the same method signatures as `Runtime`. Each job has
 * a timeout; a worker that crashes or hangs is terminated and replaced on the next call, and every
 * job it held fails with an error saying so: callers get an error, never a hang. The worker is
 * unreferenced while idle, so it never keeps the process alive.
 */
import * as path from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { AttendOptions, AttendResult, AttendTensor } from '../attend';
import type { BenchCase } from '../bench/cases';
import type { BenchReport } from '../bench/harness';
import type { SamplingPolicy } from '../bench/sampler';
import type { ProviderName } from '../dispatch/capabilities';
import type { RuntimeEnv } from '../env';
import type { AdapterStatus, ParityReport } from '../runtime';
import type { MethodName, Methods, Response } from './messages';


/** How long the worker may take to release its runtime before it is terminated. */
const DISPOSE_TIMEOUT_MS = 3000;
export interface ProxyOptions {
  /** Milliseconds a job may take before the worker is considered hung. @defaultValue 180000 (WebGPU warm-up on SwiftShader is ~40 s) */
  readonly timeoutMs?: number;
  readonly env?: Partial<RuntimeEnv>;
}

interface Pending {
  readonly type: MethodName;
  readonly resolve: (out: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const ENTRY = path.join(__dirname, 'main.js');

export class RuntimeProxy {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** How many workers were started; more than one means a restart happened. */
  starts = 0;

  constructor(private readonly options: ProxyOptions = {}) {}

  attend(q: AttendTensor, k: AttendTensor, v: AttendTensor, options: AttendOptions = {}): Promise<AttendResult> {
    return this.call('attend', { q, k, v, options });
  }
  parity(provider: ProviderName): Promise<ParityReport> { return this.call('parity', { provider }); }
  adapter(): Promise<AdapterStatus> { return this.call('adapter', {}); }
  bench(provider: ProviderName, cases: readonly BenchCase[], policy: SamplingPolicy): Promise<BenchReport> {
    return this.call('bench', { provider, cases, policy });
  }
  /** For tests of crash and hang recovery only. */
  debug(action: 'exit' | 'hang'): Promise<null> { return this.call('debug', { action }); }

  /**
   * Releases the worker's runtime and ends the worker. The release gets a few seconds: a session
   * that does not let go must not keep the process alive after the editor said exit; the worker is
   * terminated either way.
   */
  async dispose(): Promise<void> {
    if (!this.worker) return;
    await this.call('dispose', {}, DISPOSE_TIMEOUT_MS).catch(() => undefined);
    await this.stop('the runtime proxy was disposed');
  }

  private call<T extends MethodName>(type: T, input: Methods[T]['in'], timeoutMs = this.options.timeoutMs ?? 180_000): Promise<Methods[T]['out']> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.stop(`${type} timed out after ${timeoutMs} ms; the worker was terminated and restarts on the next call`);
      }, timeoutMs);
      this.pending.set(id, { type, resolve: resolve as (out: unknown) => void, reject, timer });
      worker.ref();
      worker.postMessage({ type, id, in: input });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // SHARE_ENV: the process environment itself, so the Vulkan loader sees VK_ICD_FILENAMES set by the worker.
    const worker = new Worker(ENTRY, { workerData: this.options.env ?? {}, env: SHARE_ENV });
    this.starts++;
    worker.on('message', (r: Response) => this.settle(r));
    worker.on('error', (e) => this.failAll(worker, `the runtime worker crashed: ${e.message}`));
    worker.on('exit', (code) => this.failAll(worker, `the runtime worker exited (code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(r: Response): void {
    const job = this.pending.get(r.id);
    if (!job) return;
    this.finish(r.id, job);
    if ('err' in r) job.reject(new Error(r.err));
    else job.resolve(r.out);
  }

  private finish(id: number, job: Pending): void {
    clearTimeout(job.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** Fails every job of `worker` (if it is still the current one) and forgets it. */
  private failAll(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const [id, job] of [...this.pending]) {
      this.finish(id, job);
      job.reject(new Error(`${job.type} failed: ${reason}`));
    }
  }

  private async stop(reason: string): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.failAll(worker, reason);
    await worker.terminate();
  }
}
