/**
 * Reproduces docs/runtime.md's subgroup finding: runs fused (MultiHeadAttention) and gqa on WebGPU
 * over query/key lengths around 32 and prints each one's relative L2 error against the float64
 * reference. `--subgroups on` keeps the adapter's subgroup features (wrong results on 4-lane
 * adapters from Lq = 32); `auto` (default) lets the runtime decide.
 *   node out/scripts/subgroup-probe.js [--subgroups auto|on|off]
 * Ends with SIGKILL after printing: a process that used WebGPU on SwiftShader is slow to exit.
 */
import type { KernelConfig, KernelId } from '../kernels/kernel';
import { createRuntime, SWIFTSHADER_ICD } from '../runtime';
import { describeConfig } from '../runtime/describe';
import { compareWithReference } from '../runtime/parity';

const LENGTHS: [number, number][] = [[16, 16], [31, 31], [32, 32], [64, 64], [1, 64], [16, 64], [32, 64], [64, 32]];

async function main(setting: 'auto' | 'on' | 'off'): Promise<void> {
  const runtime = createRuntime({ webgpu: { subgroups: setting, vulkanIcd: SWIFTSHADER_ICD } });
  const { info } = await runtime.provider('webgpu');
  const state = (await runtime.adapter()).webgpu!;
  console.log(`${info.description}; subgroups ${state.adapter.subgroupMinSize}–${state.adapter.subgroupMaxSize} lanes; ${state.subgroups.reason}`);
  console.log('| kernel | configuration | rel. L2 error |\n|---|---|---|');
  for (const kernel of ['fused', 'gqa'] as KernelId[]) {
    for (const [seqQ, seqKv] of LENGTHS) {
      for (const bias of [false, true]) {
        const config: KernelConfig = {
          shape: { batch: 1, heads: 2, kvHeads: 2, seqQ, seqKv, headDim: 16, headDimV: 16 }, dtype: 'float32',
          mask: bias && kernel === 'fused' ? { kind: 'float', batch: 1, heads: 1 } : { kind: 'none' }, causal: kernel === 'gqa' || (bias && seqQ <= seqKv),
        };
        if (kernel === 'gqa' && (bias || seqQ > seqKv)) continue;
        try {
          const session = await runtime.createSession(kernel, config, 'webgpu');
          console.log(`| ${kernel} | ${describeConfig(config)} | ${(await compareWithReference(session, seqQ * 100 + seqKv)).toExponential(1)} |`);
          await session.dispose();
        } catch (e) {
          console.log(`| ${kernel} | ${describeConfig(config)} | ${(e as Error).message} |`);
        }
      }
    }
  }
}

const i = process.argv.indexOf('--subgroups');
const setting = (i > 0 ? process.argv[i + 1] : 'auto') as 'auto' | 'on' | 'off';
main(setting).catch((e: unknown) => console.error((e as Error).message))
  .finally(() => process.stdout.write('', () => process.kill(process.pid, 'SIGKILL')));
