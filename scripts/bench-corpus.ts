/**
 * `npm run bench:corpus -- [--json] [--timeout S] [settings flags] DIR…`: the analysis on real
 * repositories. For each directory: its Python files and lines, then, each in a fresh process
 * (scripts/bench/corpus-child.ts), the analysis of all of them together (as `attnlens check DIR`
 * runs it: calls, internal errors, the share of path verdicts that are "depends", time, peak
 * memory) and the bare parse + walk of the same files. A process that runs past the time limit
 * is killed and its row says so. Prints a table, or with --json the rows as JSON. Not a test:
 * timings vary with the machine's load.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { parseCommandLine, parsePositiveInt, UsageError } from '../extension/cli/args';
import { findPythonFiles } from '../extension/cli/python-files';
import { SETTINGS_OPTIONS, SETTINGS_USAGE, settingsFromFlags } from '../extension/cli/settings-flags';
import { renderTable } from '../extension/cli/table';
import { ABORTED_EXIT_CODE, type ChildResult, type Measurement } from './bench/corpus-child';
import { countLines } from './bench/corpus-counts';

const CHILD = path.join(__dirname, 'bench', 'corpus-child.js');
const DEFAULT_TIMEOUT_S = 600;

const USAGE = `usage: npm run bench:corpus -- [options] DIR...

For each directory: files, lines, attention calls, internal errors, the share of path verdicts that
are "depends", time and peak memory of the analysis of all its Python files, beside a bare parse +
walk of the same files; each measured in a fresh process (docs/analysis.md).

options:
  --json         print the rows as JSON instead of a table
  --timeout S    seconds each measurement may run before it is killed (default ${DEFAULT_TIMEOUT_S})
${SETTINGS_USAGE}`;

const OPTIONS = { ...SETTINGS_OPTIONS, json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** How one child process ended. */
type Ending =
  | { readonly status: 'done'; readonly result: ChildResult }
  | { readonly status: 'aborted'; readonly message: string }
  | { readonly status: 'timed out'; readonly limitS: number }
  | { readonly status: 'failed'; readonly message: string };

/** With its wall-clock seconds from spawn to exit (Node's start included). */
type ChildOutcome = Ending & { readonly wallS: number };

interface Row {
  readonly directory: string;
  readonly files: number;
  readonly lines: number;
  readonly analysis: ChildOutcome;
  readonly parse: ChildOutcome;
}

function runChild(measurement: Measurement, directory: string, settingsArgs: readonly string[], limitS: number): Promise<ChildOutcome> {
  const start = performance.now();
  return new Promise((settle) => {
    const resolve = (ending: Ending) => settle({ ...ending, wallS: Math.round(performance.now() - start) / 1000 });
    const child = spawn(process.execPath, [CHILD, measurement, ...settingsArgs, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitS * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ status: 'failed', message: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? '';
      if (timedOut) resolve({ status: 'timed out', limitS });
      else if (code === 0) resolve({ status: 'done', result: JSON.parse(stdout) as ChildResult });
      else if (code === ABORTED_EXIT_CODE) resolve({ status: 'aborted', message: firstLine });
      else resolve({ status: 'failed', message: `${signal === null ? `exit ${code}` : `signal ${signal}`}${firstLine === '' ? '' : `: ${firstLine}`}` });
    });
  });
}

async function measureDirectory(directory: string, settingsArgs: readonly string[], limitS: number): Promise<Row> {
  const paths = await findPythonFiles([directory]);
  let lines = 0;
  for (const file of paths) lines += countLines(await fs.readFile(file, 'utf8'));
  const parse = await runChild('parse', directory, settingsArgs, limitS);
  const analysis = await runChild('analysis', directory, settingsArgs, limitS);
  return { directory, files: paths.length, lines, analysis, parse };
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const megabytes = (kB: number) => (kB / 1024).toFixed(0);
const share = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((100 * part) / whole)}% (${part}/${whole})`);

function outcomeNote(outcome: ChildOutcome): string {
  switch (outcome.status) {
    case 'done': return '';
    case 'aborted': return `aborted after ${outcome.wallS.toFixed(0)} s: ${outcome.message}`;
    case 'timed out': return `not finished in ${outcome.limitS} s`;
    case 'failed': return `failed after ${outcome.wallS.toFixed(0)} s: ${outcome.message}`;
  }
}

function tableRow(row: Row): string[] {
  const a = row.analysis.status === 'done' && row.analysis.result.kind === 'analysis' ? row.analysis.result : undefined;
  const p = row.parse.status === 'done' && row.parse.result.kind === 'parse' ? row.parse.result : undefined;
  const notes = [outcomeNote(row.analysis), row.parse.status === 'done' ? '' : `parse + walk ${outcomeNote(row.parse)}`].filter((n) => n !== '');
  return [
    row.directory,
    String(row.files),
    String(row.lines),
    a ? String(a.counts.calls) : '–',
    a ? String(a.counts.internalErrors) : row.analysis.status === 'aborted' ? 'aborted' : '–',
    a ? share(a.counts.depends, a.counts.pathVerdicts) : '–',
    a ? share(a.counts.reachUnknown, a.counts.pathVerdicts) : '–',
    a ? seconds(a.ms) : '–',
    a ? megabytes(a.maxRssKB) : '–',
    p ? seconds(p.ms) : '–',
    p ? megabytes(p.maxRssKB) : '–',
    a && p ? `${(a.ms / p.ms).toFixed(0)}×` : '–',
    notes.join('; '),
  ];
}

const HEADER = ['directory', 'files', 'lines', 'calls', 'internal errors', 'depends', 'reach unknown', 'analysis s', 'peak MB', 'parse+walk s', 'peak MB', '× parse', 'note'];

function conditions(limitS: number, settingsArgs: readonly string[], load: readonly number[]): string {
  const flags = settingsArgs.length === 0 ? 'default settings' : `settings ${settingsArgs.join(' ')}`;
  return `node ${process.version}, ${availableParallelism()} cores, load average ${load.map((l) => l.toFixed(1)).join(' ')} at the start; ${flags}; `
    + `each measurement in a fresh process, killed after ${limitS} s; wall-clock times, noisy on a shared machine`;
}

async function main(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no DIR given');
  settingsFromFlags(values); // rejects bad values here rather than in every child
  const settingsArgs = Object.keys(SETTINGS_OPTIONS).flatMap((flag) => {
    const value = values[flag as keyof typeof SETTINGS_OPTIONS];
    return value === undefined ? [] : [`--${flag}`, value];
  });
  const limitS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : parsePositiveInt('timeout', values.timeout);
  const load = loadavg();
  const rows: Row[] = [];
  for (const directory of positionals) {
    const row = await measureDirectory(directory, settingsArgs, limitS);
    rows.push(row);
    process.stderr.write(`${directory}: analysis ${row.analysis.status}, parse + walk ${row.parse.status}\n`);
  }
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ conditions: conditions(limitS, settingsArgs, load), rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderTable(HEADER, rows.map(tableRow))}(${conditions(limitS, settingsArgs, load)})\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`bench-corpus: ${err instanceof UsageError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
