/**
 * `npm run bench:device`: on a machine with a GPU, `attnlens doctor` for WebGPU (Dawn on the
 * system's Vulkan driver) and the benchmark sweep, float32 and (with shader-f16) float16, within
 * 5 minutes (docs/benchmarks.md). Without a GPU adapter it says so and exits 0: it never falls back
 * to SwiftShader, whose numbers say nothing about a GPU.
 */
import { doctorReport, doctorText } from '../extension/cli/doctor';
import { benchTable } from '../extension/cli/bench';
import { createRuntime } from '../runtime';
import { runBench, type BenchRow } from '../runtime/bench/harness';
import { DEFAULT_POLICY } from '../runtime/bench/sampler';
import { cpuAdapterReason } from './bench/gpu-adapter';

/** Stop measuring here, so the whole script stays under 5 minutes with start-up and exit. */
const DEADLINE_MS = 270_000;
const SEQ = [128, 256, 512, 1024, 2048, 4096];

const NEEDS = 'It needs a GPU with a Vulkan driver that the loader finds (libvulkan1, and e.g. /usr/share/vulkan/icd.d/nvidia_icd.json); it does not use SwiftShader.';

class OutOfTime extends Error {}

async function main(): Promise<number> {
  const started = Date.now();
  // No vulkanIcd: only the system's Vulkan drivers, never the SwiftShader fallback of the CLI.
  const runtime = createRuntime({ providers: ['webgpu'], webgpu: { subgroups: 'auto' } });
  try {
    const report = await doctorReport(runtime, ['webgpu']);
    const webgpu = report.adapter.webgpu;
    const notGpu = webgpu ? cpuAdapterReason(webgpu.adapter) : `WebGPU found no adapter (${report.adapter.reason})`;
    if (!webgpu || notGpu) {
      process.stdout.write(`bench:device: no GPU adapter found, nothing measured: ${notGpu}.\n${NEEDS}\n`);
      return 0;
    }
    process.stdout.write(`attnlens doctor --provider webgpu\n${doctorText(report)}\n`);
    const dtypes = webgpu.adapter.shaderF16 ? (['float32', 'float16'] as const) : (['float32'] as const);
    for (const dtype of dtypes) {
      const rows: BenchRow[] = [];
      const bench = runBench(runtime, {
        provider: 'webgpu', kernels: ['math', 'fused'], dtype, bias: 'none',
        shape: { batch: 1, heads: 8, seq: SEQ[0], kv_seq: SEQ[0], head_dim: 64 }, sweep: { dim: 'seq', values: SEQ },
        policy: DEFAULT_POLICY, onRow: (row) => rows.push(row),
      });
      const left = DEADLINE_MS - (Date.now() - started);
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new OutOfTime()), Math.max(0, left)); });
      try {
        const result = await Promise.race([bench, outOfTime]);
        process.stdout.write(`attnlens bench --provider webgpu --dtype ${dtype} --sweep seq=${SEQ.join(',')}\n${benchTable(result)}\n`);
      } catch (e) {
        if (!(e instanceof OutOfTime)) throw e;
        const partial = { provider: 'webgpu' as const, adapter: { name: webgpu.adapter.description }, results: rows };
        process.stdout.write(`${benchTable(partial)}\nbench:device: stopped at the ${DEADLINE_MS / 1000} s deadline after ${rows.length} rows (${dtype})\n`);
        return 0;
      } finally {
        clearTimeout(timer);
      }
    }
    process.stdout.write(`bench:device: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return 0;
  } finally {
    await runtime.dispose();
  }
}

main().then(
  (code) => process.exit(code), // Dawn's threads must not keep a finished (or timed-out) run alive
  (e) => { process.stderr.write(`bench:device: ${(e as Error).message}\n`); process.exit(1); },
);
