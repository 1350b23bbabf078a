/**
 * Latency for the code lenses: one queue of measurement jobs run one at a time in the runtime,
 * results cached by job key. Editing never waits: `sync` only enqueues; jobs no call needs any more
 * are cancelled; each job has a time limit. `onChange` fires when a state changes (lenses refresh).
 * Measured rows persist in a MeasurementStore when the client gives a storage folder.
 */
import { CancellationTokenSource } from 'vscode-languageserver';
import type { BenchmarkRow } from '../protocol';
import { jobKey, type LatencyState, type MeasureJob } from './measurement';
import type { MeasurementStore } from './measurement-store';
import type { RuntimeGateway } from './runtime-gateway';

export class Measurements {
  private readonly results = new Map<string, LatencyState>();
  private readonly queue: MeasureJob[] = [];
  private running: { readonly key: string; readonly cancel: CancellationTokenSource } | null = null;
  private store: MeasurementStore | null = null;

  constructor(
    private readonly runtime: () => RuntimeGateway,
    private readonly onChange: () => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Keep measured rows in `store` from now on, starting from what it holds. */
  useStore(store: MeasurementStore): void {
    this.store = store;
    for (const [key, row] of store.load()) this.results.set(key, { kind: 'measured', row });
  }

  state(job: MeasureJob, enabled: boolean): LatencyState {
    if (!enabled) return { kind: 'off' };
    return this.results.get(this.keyOf(job)) ?? { kind: 'measuring' };
  }

  /** Jobs measure the same only on the same adapter: the runtime's status text names it. */
  private keyOf(job: MeasureJob): string {
    return `${this.runtime().status().text}|${jobKey(job)}`;
  }

  private persist(): void {
    if (this.store === null) return;
    const measured = [...this.results].flatMap(([key, s]) => (s.kind === 'measured' ? [[key, s.row] as const] : []));
    this.store.save(new Map(measured));
  }

  /** The jobs every open call needs now: enqueue the unknown ones, cancel the rest. */
  sync(jobs: readonly MeasureJob[], maxMillis: number): void {
    const wanted = new Map(jobs.map((j) => [this.keyOf(j), j]));
    this.queue.splice(0, this.queue.length, ...[...wanted.values()].filter((j) => !this.results.has(this.keyOf(j))));
    if (this.running !== null && !wanted.has(this.running.key)) this.running.cancel.cancel();
    void this.pump(maxMillis);
  }

  /** Forget every result (the Clear measurement cache command); returns how many there were. */
  clear(): number {
    const removed = [...this.results.values()].filter((s) => s.kind === 'measured').length;
    this.results.clear();
    this.persist();
    this.onChange();
    return removed;
  }

  private async pump(maxMillis: number): Promise<void> {
    if (this.running !== null) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    const key = this.keyOf(job);
    const cancel = new CancellationTokenSource();
    this.running = { key, cancel };
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; cancel.cancel(); }, maxMillis);
    // The worker may not notice cancellation at once; the queue moves on regardless.
    const cancelled = new Promise<never>((_, reject) => cancel.token.onCancellationRequested(() => reject(new Error('cancelled'))));
    try {
      const row: BenchmarkRow = await Promise.race([this.runtime().measure(job, cancel.token), cancelled]);
      this.results.set(key, { kind: 'measured', row });
      this.persist();
    } catch (err) {
      if (timedOut) {
        this.results.set(key, { kind: 'unavailable', reason: `timed out after ${maxMillis} ms` });
      } else if (!cancel.token.isCancellationRequested) {
        const message = err instanceof Error ? err.message : String(err);
        this.log(`measurement ${key} failed: ${message}`);
        this.results.set(key, { kind: 'unavailable', reason: message });
      } // else: stale, dropped.
    } finally {
      clearTimeout(timer);
      cancel.dispose();
      this.running = null;
    }
    this.onChange();
    await this.pump(maxMillis);
  }
}
