/**
 * `npm run bench:analysis`: how fast the analysis is on generated model code, in a warm process.
 * Prints a table of median / min / max milliseconds over several runs. Not a test: timings vary.
 */
import { performance } from 'node:perf_hooks';
import { analyzeFiles } from '../extension/analysis/index';
import { DEFAULT_SETTINGS } from '../extension/cli/settings-flags';
import { generateModelCode } from './bench/model-code';

const RUNS = 7;

interface Row {
  readonly name: string;
  readonly lines: number;
  readonly calls: number;
  readonly times: readonly number[];
}

async function timed(run: () => Promise<number>): Promise<{ ms: number; calls: number }> {
  const start = performance.now();
  const calls = await run();
  return { ms: performance.now() - start, calls };
}

async function measure(name: string, text: string, variant: (run: number) => string): Promise<Row> {
  const analyse = async (source: string) => (await analyzeFiles([{ path: 'model.py', text: source }], DEFAULT_SETTINGS))
    .reduce((n, report) => n + report.calls.length, 0);
  await analyse(text); // warm-up: WASM load, JIT
  const times: number[] = [];
  let calls = 0;
  for (let run = 0; run < RUNS; run++) {
    const result = await timed(() => analyse(variant(run)));
    times.push(result.ms);
    calls = result.calls;
  }
  return { name, lines: text.split('\n').length, calls, times };
}

/** The file with one line changed: a constant in a constructor default near the middle, different each run. */
function editOneLine(text: string, run: number): string {
  const lines = text.split('\n');
  const middle = lines.findIndex((line, i) => i >= lines.length / 2 && line.includes('n_head=12'));
  lines[middle] = lines[middle]!.replace('n_head=12', `n_head=${13 + run}`);
  return lines.join('\n');
}

function table(rows: readonly Row[]): string {
  const fmt = (ms: number) => ms.toFixed(1).padStart(9);
  const header = `${'case'.padEnd(48)} ${'lines'.padStart(7)} ${'calls'.padStart(6)} ${'median ms'.padStart(9)} ${'min ms'.padStart(9)} ${'max ms'.padStart(9)}`;
  const body = rows.map((r) => {
    const sorted = [...r.times].sort((a, b) => a - b);
    return `${r.name.padEnd(48)} ${String(r.lines).padStart(7)} ${String(r.calls).padStart(6)} ${fmt(sorted[Math.floor(sorted.length / 2)]!)} ${fmt(sorted[0]!)} ${fmt(sorted[sorted.length - 1]!)}`;
  });
  return [header, ...body].join('\n');
}

async function main(): Promise<void> {
  const large = generateModelCode(100_000);
  const medium = generateModelCode(5_000);
  const rows = [
    await measure('full analysis, 100k-line file', large, () => large),
    await measure('full analysis, 5k-line file', medium, () => medium),
    await measure('one-line edit of a 5k-line file (full re-analysis)', medium, (run) => editOneLine(medium, run)),
  ];
  process.stdout.write(`${table(rows)}\n(${RUNS} warm runs each, node ${process.version})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-analysis: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
