/**
 * The runtime object: providers behind one registry, parity results and capability records per
 * provider (computed once, cached), and kernel sessions. Harnesses (bench, doctor) use
 * `provider`, `createSession`, `parity`, `capabilities` and `adapter`; callers use `attend`.
 */
import type { KernelConfig, KernelId } from '../kernels/kernel';
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

export class Runtime {
  private readonly parityReports = new Map<ProviderName, Promise<ParityReport>>();

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
    await this.registry.dispose();
  }
}
