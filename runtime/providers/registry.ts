/**
 * Provider registry (after onnxruntime's backend-impl.ts): providers sorted by priority, each
 * initialised lazily and once, its promise (and so its failure reason) cached; resolution tries
 * the requested provider or, for `auto`, all in order, and fails with one combined error only
 * when none works.
 */
import type { ProviderName } from '../dispatch/capabilities';
import type { Provider, ProviderInfo } from './provider';

export interface ResolvedProvider {
  readonly provider: Provider;
  readonly info: ProviderInfo;
  /** Why this one: e.g. "auto: webgpu unavailable (no WebGPU adapter: …); using wasm". */
  readonly why: string;
}

interface Entry {
  readonly provider: Provider;
  readonly priority: number;
  init?: Promise<ProviderInfo>;
}

export class ProviderRegistry {
  private readonly entries = new Map<ProviderName, Entry>();

  register(provider: Provider, priority: number): void {
    this.entries.set(provider.name, { provider, priority });
  }

  /** Initialises `name` once; later calls get the same result or the same failure. */
  init(name: ProviderName): Promise<ProviderInfo> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`no provider named '${name}' is registered`));
    entry.init ??= entry.provider.init();
    return entry.init;
  }

  /** The failure reason of a provider that was tried and failed, or null. */
  async failure(name: ProviderName): Promise<string | null> {
    try { await this.init(name); return null; } catch (e) { return (e as Error).message; }
  }

  async resolve(requested: ProviderName | 'auto', order?: readonly ProviderName[]): Promise<ResolvedProvider> {
    const names = requested === 'auto'
      ? (order ?? [...this.entries.keys()].sort((a, b) => this.entries.get(b)!.priority - this.entries.get(a)!.priority))
      : [requested];
    const failures: string[] = [];
    for (const name of names) {
      try {
        const info = await this.init(name);
        const why = requested === 'auto'
          ? `auto: ${[...failures, `using ${name} (${info.description})`].join('; ')}`
          : `${name} requested (${info.description})`;
        return { provider: this.entries.get(name)!.provider, info, why };
      } catch (e) {
        failures.push(`${name} unavailable (${(e as Error).message})`);
      }
    }
    throw new Error(`no provider works here: ${failures.join('; ')}`);
  }

  /** Disposes every initialised provider; the next use initialises it again. */
  async dispose(): Promise<void> {
    for (const entry of this.entries.values()) {
      if (!entry.init) continue;
      const ok = await entry.init.then(() => true, () => false);
      entry.init = undefined;
      if (ok) await entry.provider.dispose();
    }
  }
}
