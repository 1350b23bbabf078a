/**
 * Runs the WebGPU parity report in a child process and prints it as one JSON line, then waits to
 * be killed. Why a child: after WebGPU work on SwiftShader, a Node process needs 20–60 s of CPU
 * before it exits (docs/runtime.md), while killing it is instant; the mocha process never loads
 * Dawn, so it ends as soon as its tests do.
 */
import { createRuntime, SWIFTSHADER_ICD } from '../../runtime';

async function main(): Promise<unknown> {
  const runtime = createRuntime({ providers: ['webgpu'], webgpu: { subgroups: 'auto', vulkanIcd: SWIFTSHADER_ICD } });
  const failure = await runtime.registry.failure('webgpu');
  if (failure) return { failure };
  return { parity: await runtime.parity('webgpu'), adapter: await runtime.adapter() };
}

main().then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (e: unknown) => process.stdout.write(`${JSON.stringify({ error: String((e as Error).stack ?? e) })}\n`),
).finally(() => setInterval(() => undefined, 60_000)); // stay until the parent kills us
