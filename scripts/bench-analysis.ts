/**
 * `npm run bench:analysis`: how fast the analysis is on generated model code, in a warm process.
 * Prints a table of median / min / max milliseconds over several runs. Not a test: timings vary.
 */
import { performance } from 'node:perf_hooks';
import { AnalysisSession, analyzeFiles } from '../extension/analysis/index';
import { DEFAULT_SETTINGS } from '../extension/cli/settings-flags';
import { pythonParser } from '../extension/analysis/syntax/parser';
import { generateModelCode } from './bench/model-code';
import { DEFAULT_POOL_OPTIONS, parseInPieces, type PoolOptions } from '../extension/analysis/syntax/parse-pool';
import { availableParallelism } from 'node:os';

const RUNS = 7;
const PATH = 'model.py';

/** Analyses one version of the file; resolves to the number of calls found (null: not an analysis). */
type Analyse = (text: string) => Promise<number | null>;

interface Row {
  readonly name: string;
  readonly lines: number;
  readonly calls: number | null;
  readonly times: readonly number[];
}

const analyseWith = (options?: PoolOptions): Analyse => async (text) =>
  (await analyzeFiles([{ path: PATH, text }], DEFAULT_SETTINGS, options)).reduce((n, report) => n + report.calls.length, 0);
const analyseOnce = analyseWith();
/** Everything on the main thread, for comparison: what parsing in pieces on worker threads saves. */
const analyseOnOneThread = analyseWith({ ...DEFAULT_POOL_OPTIONS, minTotalChars: Infinity });

/** tree-sitter's parse alone, for scale: the floor under a full analysis of a file nobody has parsed yet. */
const parseOnly: Analyse = async (text) => {
  const tree = (await pythonParser()).parse(text);
  tree?.delete();
  return null;
};

/** The pieces parsed and encoded on the worker threads, nothing made of them: the floor with every core parsing. */
const parsePiecesOnly: Analyse = async (text) => {
  const [pieces] = parseInPieces([text]);
  await Promise.all((pieces ?? []).map((p) => p.words));
  return null;
};

/** Runs `analyse` on `variant(run)` RUNS times after two warm-up runs (WASM load, JIT, caches). */
async function measure(name: string, text: string, analyse: Analyse, variant: (run: number) => string): Promise<Row> {
  await analyse(text);
  await analyse(variant(RUNS));
  const times: number[] = [];
  let calls: number | null = null;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    calls = await analyse(variant(run));
    times.push(performance.now() - start);
  }
  return { name, lines: text.split('\n').length, calls, times };
}

/** Edits re-analysed through the incremental session the language server uses. */
async function measureSession(name: string, text: string, edit: (text: string, run: number) => string): Promise<Row> {
  const session = await AnalysisSession.create(DEFAULT_SETTINGS);
  try {
    const analyse: Analyse = async (source) => {
      session.update(PATH, source);
      return session.report(PATH).calls.length;
    };
    return await measure(name, text, analyse, (run) => edit(text, run));
  } finally {
    session.dispose();
  }
}

/**
 * The first edit of a file opened through `openAll` (parsed in pieces on worker threads), timed
 * after `settle`: a fresh session per run, whose open and first report are not timed.
 */
async function measureFirstEdit(name: string, text: string, settle: (session: AnalysisSession) => Promise<void>): Promise<Row> {
  const times: number[] = [];
  let calls: number | null = null;
  for (let run = -1; run < RUNS; run++) {
    const session = await AnalysisSession.create(DEFAULT_SETTINGS);
    try {
      await session.openAll([{ path: PATH, text }]);
      session.report(PATH);
      await settle(session);
      const start = performance.now();
      session.update(PATH, editOneLine(text, run + 1));
      calls = session.report(PATH).calls.length;
      if (run >= 0) times.push(performance.now() - start);
    } finally {
      session.dispose();
    }
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

/**
 * The file with a line inserted in a method near the middle, or two on odd runs: each run inserts or
 * deletes a line relative to the one before, moving everything below it.
 */
function insertLine(text: string, run: number): string {
  const lines = text.split('\n');
  const at = lines.findIndex((line, i) => i >= lines.length / 2 && line.includes('B, T, C = x.size()'));
  lines.splice(at + 1, 0, ...Array.from({ length: 1 + (run % 2) }, (_, i) => `        scratch${i} = T`));
  return lines.join('\n');
}

/** The file with every attention forward reading `getattr(self, 'attn_scale', None)` (a name no code sets). */
function withGetattrDefaults(text: string): string {
  return text.replaceAll('        B, T, C = x.size()\n', "        B, T, C = x.size()\n        scale = getattr(self, 'attn_scale', None)\n");
}

function table(rows: readonly Row[]): string {
  const fmt = (ms: number) => ms.toFixed(1).padStart(9);
  const header = `${'case'.padEnd(52)} ${'lines'.padStart(7)} ${'calls'.padStart(6)} ${'median ms'.padStart(9)} ${'min ms'.padStart(9)} ${'max ms'.padStart(9)}`;
  const body = rows.map((r) => {
    const sorted = [...r.times].sort((a, b) => a - b);
    return `${r.name.padEnd(52)} ${String(r.lines).padStart(7)} ${String(r.calls ?? '').padStart(6)} ${fmt(sorted[Math.floor(sorted.length / 2)]!)} ${fmt(sorted[0]!)} ${fmt(sorted[sorted.length - 1]!)}`;
  });
  return [header, ...body].join('\n');
}

async function main(): Promise<void> {
  const large = generateModelCode(100_000);
  const medium = generateModelCode(5_000);
  // The 5k-line rows run first: after the 100k-line analyses the heap is full of their garbage, and
  // a 10 ms edit would time V8's collection of it rather than the analysis.
  const rows = [
    await measure('full analysis, 5k-line file', medium, analyseOnce, () => medium),
    await measure('one-line edit of a 5k-line file, full re-analysis', medium, analyseOnce, (run) => editOneLine(medium, run)),
    await measureSession('one-line edit of a 5k-line file, AnalysisSession', medium, editOneLine),
    await measureSession('line inserted mid 5k-line file, AnalysisSession', medium, insertLine),
    await measureSession('  one-line edit, forwards using getattr defaults', withGetattrDefaults(medium), editOneLine),
    await measure('full analysis, 100k-line file', large, analyseOnce, () => large),
    await measure('  parsed on the main thread only', large, analyseOnOneThread, () => large),
    await measure('  tree-sitter parse alone, one thread', large, parseOnly, () => large),
    await measure('  parsed in pieces on the workers alone', large, parsePiecesOnly, () => large),
    await measureFirstEdit('first edit of it opened in pieces, at once', large, async () => {}),
    await measureFirstEdit('  after the background parse', large, (session) => session.parsed()),
  ];
  process.stdout.write(`${table(rows)}\n(${RUNS} warm runs each, node ${process.version} ${process.execArgv.join(' ')}, ${availableParallelism()} cores; files of ${DEFAULT_POOL_OPTIONS.minTotalChars} characters or more are parsed in pieces on worker threads)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-analysis: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
