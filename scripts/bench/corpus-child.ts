/**
 * One measurement of `bench:corpus`, run in a fresh process so that its peak memory is that
 * directory's alone: `node corpus-child.js analysis|parse [settings flags] DIR`.
 *
 * - `analysis`: `analyzeFiles` on every Python file under DIR, as `attnlens check DIR` runs it,
 *   then the counts of its JSON report (corpus-counts.ts).
 * - `parse`: the floor under it: a web-tree-sitter parse of every file and a walk of every node
 *   with the cursor the analysis reads trees with (its type and offsets read at each).
 *
 * The files are read and the parser loaded before the clock starts. Prints one ChildResult as JSON
 * on stdout; on an exception in the analysis, prints its message (first line) and stack on stderr
 * and exits 2, as `attnlens check` does.
 */
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import { pythonParser, walkTree } from '../../extension/analysis/syntax/parser';
import { parseCommandLine, parseChoice } from '../../extension/cli/args';
import { toJsonReport } from '../../extension/cli/format/json';
import { findPythonFiles } from '../../extension/cli/python-files';
import { SETTINGS_OPTIONS, settingsFromFlags } from '../../extension/cli/settings-flags';
import type { AnalysisSettings } from '../../extension/analysis/report';
import { countReport, type ReportCounts } from './corpus-counts';

export const MEASUREMENTS = ['analysis', 'parse'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

interface Measured {
  readonly ms: number;
  /** `process.resourceUsage().maxRSS` at the end: the process' peak resident set, in kilobytes. */
  readonly maxRssKB: number;
}

export type ChildResult =
  | Measured & { readonly kind: 'analysis'; readonly counts: ReportCounts }
  | Measured & { readonly kind: 'parse'; readonly nodes: number };

/** Exit code of a child whose analysis threw (an internal error aborts `attnlens check` with it too). */
export const ABORTED_EXIT_CODE = 2;

async function readDirectory(directory: string): Promise<SourceFile[]> {
  const paths = await findPythonFiles([directory]);
  return Promise.all(paths.map(async (path) => ({ path, text: await fs.readFile(path, 'utf8') })));
}

async function measureAnalysis(files: readonly SourceFile[], settings: AnalysisSettings): Promise<ChildResult> {
  await pythonParser();
  const start = performance.now();
  const reports = await analyzeFiles(files, settings);
  const ms = performance.now() - start;
  return { kind: 'analysis', ms, maxRssKB: process.resourceUsage().maxRSS, counts: countReport(toJsonReport(reports)) };
}

async function measureParse(files: readonly SourceFile[]): Promise<ChildResult> {
  const parser = await pythonParser();
  const start = performance.now();
  let nodes = 0;
  let offsets = 0;
  for (const file of files) {
    const tree = parser.parse(file.text);
    if (tree === null) throw new Error(`${file.path}: tree-sitter gave no tree`);
    const cursor = walkTree(tree);
    // Depth-first over every node: down while there is a child, else to the next sibling of the
    // nearest ancestor that has one.
    for (let more = true; more;) {
      nodes++;
      offsets += cursor.nodeTypeId + cursor.endIndex - cursor.startIndex;
      if (cursor.gotoFirstChild() || cursor.gotoNextSibling()) continue;
      more = false;
      while (cursor.gotoParent()) {
        if (cursor.gotoNextSibling()) {
          more = true;
          break;
        }
      }
    }
    cursor.delete();
    tree.delete();
  }
  const ms = performance.now() - start;
  // The sum keeps the reads from being optimised away; it means nothing.
  if (offsets < 0) throw new Error('negative offsets');
  return { kind: 'parse', ms, maxRssKB: process.resourceUsage().maxRSS, nodes };
}

async function main(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, SETTINGS_OPTIONS);
  const [measurement, directory] = positionals;
  if (measurement === undefined || directory === undefined || positionals.length > 2) {
    process.stderr.write('usage: corpus-child.js analysis|parse [settings flags] DIR\n');
    return 64;
  }
  const kind = parseChoice('measurement', measurement, MEASUREMENTS);
  const settings = settingsFromFlags(values);
  const files = await readDirectory(directory);
  let result: ChildResult;
  try {
    result = kind === 'analysis' ? await measureAnalysis(files, settings) : await measureParse(files);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${message.split('\n')[0]}\n${err instanceof Error ? err.stack ?? '' : ''}\n`);
    return ABORTED_EXIT_CODE;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`corpus-child: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(64);
  });
}
