/**
 * The runtime object: providers behind one registry, parity results and capability records per
 * provider (computed once, cached), and kernel sessions. Harnesses (bench, doctor) use
 * `provider`, `createSession`, `parity`, `capabilities` and `adapter`; callers use `attend`.
 */
import type { KernelConfig, KernelId } from '../kernels/kernel';
import { attend, type AttendOptions, type AttendResult, type AttendTensor, type CallPlan } from './attend';
import type { KernelCapability, ProviderName } from './dispatch/capabilities';
import type { RuntimeEnv } from './env';
import { createKernelSession, type KernelSession } from './kernel-session';
import { capabilities, checkProvider, type ParityCheck } from './parity';
import type { ProviderRegistry, ResolvedProvider } from './providers/registry';
import type { WebGpuState } from './providers/webgpu';

export interface ParityReport {
  readonly provider: ProviderName;
  /** Seed of the random inputs (fresh per report). */
  readonly seed: number;
  readonly checks: readonly ParityCheck[];
  readonly capabilities: readonly KernelCapability[];
}

export interface AdapterStatus {
  /** null when there is no WebGPU adapter; `reason` says why. */
  readonly webgpu: WebGpuState | null;
  readonly reason?: string;
}

/** Sessions kept per runtime; the oldest is released beyond this. */
const SESSION_CACHE_SIZE = 16;
/** attend() plans kept per runtime (small objects); the oldest is dropped beyond this. */
const PLAN_CACHE_SIZE = 256;

export class Runtime {
  private readonly parityReports = new Map<ProviderName, Promise<ParityReport>>();
  private readonly sessions = new Map<string, Promise<KernelSession>>();
  private readonly plans = new Map<string, Promise<CallPlan>>();

  constructor(readonly env: RuntimeEnv, readonly registry: ProviderRegistry, private readonly webgpuState: () => WebGpuState | null) {}

  /** `auto` tries the providers in `env.providers` order; a named one is that or an error. */
  provider(requested: ProviderName | 'auto' = 'auto'): Promise<ResolvedProvider> {
    return this.registry.resolve(requested, this.env.providers);
  }

  /** A kernel session on a provider, not cached: the caller disposes it. */
  async createSession(kernel: KernelId, config: KernelConfig, provider: ProviderName): Promise<KernelSession> {
    const { provider: p, info } = await this.provider(provider);
    return createKernelSession(p, info, kernel, config);
  }

  /** Attention on real tensors: see attend.ts. */
  attend(q: AttendTensor, k: AttendTensor, v: AttendTensor, options: AttendOptions = {}): Promise<AttendResult> {
    return attend(this, q, k, v, options);
  }

  /**
   * attend()'s plan for a call signature, made once by `make`: it rests on the parity reports, so it
   * lives as long as they do. A refusal is not cached (its error comes each time).
   */
  callPlan(key: string, make: () => Promise<CallPlan>): Promise<CallPlan> {
    let plan = this.plans.get(key);
    if (!plan) {
      plan = make();
      plan.catch(() => this.plans.delete(key));
      if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** A session cached by (kernel, shapes, dtype, mask, provider); owned by the runtime. */
  cachedSession(kernel: KernelId, config: KernelConfig, provider: ProviderName): Promise<KernelSession> {
    const key = JSON.stringify([kernel, provider, config]);
    let session = this.sessions.get(key);
    if (session) {
      this.sessions.delete(key); // re-insert: most recently used last
    } else {
      session = this.createSession(kernel, config, provider);
      session.catch(() => this.sessions.delete(key));
      if (this.sessions.size >= SESSION_CACHE_SIZE) void this.evict(this.sessions.keys().next().value!);
    }
    this.sessions.set(key, session);
    return session;
  }

  private evict(key: string): Promise<void> {
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    return session ? session.then((s) => s.dispose(), () => undefined) : Promise.resolve();
  }

  /** Parity of every kernel and dtype on `provider`, run once per runtime on fresh random inputs. */
  parity(provider: ProviderName): Promise<ParityReport> {
    let report = this.parityReports.get(provider);
    if (!report) {
      report = (async () => {
        const { provider: p, info } = await this.provider(provider);
        const seed = (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
        const checks = await checkProvider(p, info, seed);
        return { provider, seed, checks, capabilities: capabilities(info, checks) };
      })();
      this.parityReports.set(provider, report);
    }
    return report;
  }

  async capabilities(provider: ProviderName): Promise<readonly KernelCapability[]> {
    return (await this.parity(provider)).capabilities;
  }

  /** The WebGPU adapter and the subgroup decision, or why there is none. */
  async adapter(): Promise<AdapterStatus> {
    const failure = await this.registry.failure('webgpu');
    return failure ? { webgpu: null, reason: failure } : { webgpu: this.webgpuState() };
  }

  /** Releases sessions' providers (the WebGPU device). Call before exit: see docs/runtime.md. */
  async dispose(): Promise<void> {
    this.parityReports.clear();
    this.plans.clear();
    await Promise.all([...this.sessions.keys()].map((key) => this.evict(key)));
    await this.registry.dispose();
  }
}
