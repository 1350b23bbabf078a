/**
 * `attnlens doctor`: which providers work here and why not, the WebGPU adapter, and which kernels
 * pass parity on each working provider (the capability records the policy uses).
 */
import type { ProviderName } from '../../runtime/dispatch/capabilities';
import type { AdapterStatus, ParityReport, Runtime } from '../../runtime';
import { withRuntime } from './cli-runtime';
import { parseChoice, parseCommandLine, UsageError } from './args';
import { renderTable } from './table';

const PROVIDERS: readonly ProviderName[] = ['webgpu', 'wasm'];

export interface ProviderDoctor {
  readonly name: ProviderName;
  readonly ok: boolean;
  /** e.g. "WASM, 2 threads"; when ok. */
  readonly description?: string;
  /** Why it does not work here; when not ok. */
  readonly reason?: string;
  readonly parity?: ParityReport;
}

export interface DoctorReport {
  readonly adapter: AdapterStatus;
  readonly providers: readonly ProviderDoctor[];
}

async function examine(runtime: Runtime, name: ProviderName): Promise<ProviderDoctor> {
  const reason = await runtime.registry.failure(name);
  if (reason) return { name, ok: false, reason };
  const { info } = await runtime.provider(name);
  return { name, ok: true, description: info.description, parity: await runtime.parity(name) };
}

export async function doctorReport(runtime: Runtime, providers: readonly ProviderName[]): Promise<DoctorReport> {
  const results: ProviderDoctor[] = [];
  for (const name of providers) results.push(await examine(runtime, name));
  return { adapter: providers.includes('webgpu') ? await runtime.adapter() : { webgpu: null, reason: 'not examined (--provider wasm)' }, providers: results };
}

function adapterText(status: AdapterStatus): string {
  if (!status.webgpu) return `WebGPU adapter: none (${status.reason})\n`;
  const a = status.webgpu.adapter;
  const subgroupSize = a.subgroupMinSize === null ? '' : ` (${a.subgroupMinSize}–${a.subgroupMaxSize} lanes)`;
  return [
    `WebGPU adapter (${status.webgpu.origin}): ${[a.vendor, a.architecture, a.description].filter(Boolean).join(' / ')}`,
    `  shader-f16: ${a.shaderF16 ? 'yes' : 'no'}; subgroups: ${a.subgroups ? `yes${subgroupSize}` : 'no'}; max storage buffer: ${a.maxStorageBufferBindingSize} bytes`,
    `  device subgroups: ${status.webgpu.subgroups.use ? 'on' : 'off'}: ${status.webgpu.subgroups.reason}`,
  ].join('\n') + '\n';
}

function providerText(p: ProviderDoctor): string {
  if (!p.ok) return `\n${p.name}: does not work here: ${p.reason}\n`;
  const rows = p.parity!.capabilities.map((c) => {
    const checks = p.parity!.checks.filter((x) => x.kernel === c.kernel && x.ok);
    const worst = checks.length ? Math.max(...checks.map((x) => x.relError)).toExponential(1) : '-';
    return [c.kernel, c.dtypes.join(',') || '-', worst, c.status.ok ? 'ok' : `not used: ${c.status.reason}`];
  });
  const refused = p.parity!.capabilities.flatMap((c) => Object.entries(c.refusedDtypes ?? {})
    .filter(([, why]) => why !== undefined && c.status.ok).map(([d, why]) => `  ${c.kernel} ${d}: ${why}\n`));
  return `\n${p.name}: works (${p.description}); parity on fresh random inputs (seed ${p.parity!.seed}):\n`
    + renderTable(['kernel', 'dtypes passing', 'worst rel err', 'status'], rows)
    + (refused.length ? `refused dtypes:\n${refused.join('')}` : '');
}

export function doctorText(report: DoctorReport): string {
  return adapterText(report.adapter) + report.providers.map(providerText).join('');
}

export const DOCTOR_USAGE = `usage: attnlens doctor [options]

Which runtime providers work here (and why not), the WebGPU adapter, and which kernels pass parity.

  --provider all|webgpu|wasm   providers to examine (default all)
  --json                       the report as JSON

exit codes: 0 some provider works, 1 none does, 2 usage error
`;

export async function doctor(args: string[]): Promise<number> {
  const { values: f, positionals } = parseCommandLine(args, { provider: { type: 'string', default: 'all' }, json: { type: 'boolean', default: false } });
  if (positionals.length) throw new UsageError(`takes no file or other argument, got '${positionals[0]}'`);
  const chosen = parseChoice('provider', f.provider, ['all', ...PROVIDERS]);
  const providers = chosen === 'all' ? PROVIDERS : [chosen];
  const report = await withRuntime(undefined, (runtime) => doctorReport(runtime, providers));
  process.stdout.write(f.json ? `${JSON.stringify(report)}\n` : doctorText(report));
  return report.providers.some((p) => p.ok) ? 0 : 1;
}
