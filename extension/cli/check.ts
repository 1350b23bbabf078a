/**
 * `attnlens check PATH…`: reads the Python files and notebooks, analyses them together, prints the report in the
 * chosen format. Exit 0: no error-severity finding; 1: some, or a parse error; 2: usage error.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import type { SourceFile } from '../analysis/index';
import type { FileReport } from '../analysis/report';
import { selectedByConfig } from '../project-config/file-patterns';
import { ProjectConfigFinder } from '../project-config/find-project-config';
import { ProjectConfigError } from '../project-config/project-config';
import { placeInCells } from '../notebook/cell-report';
import { pythonSources } from '../notebook/notebook-sources';
import { analyzeByProject } from './analyze-by-project';
import { UsageError } from './args';
import { parseCheckArgs, type CheckOptions, type OutputFormat } from './check-options';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { printError } from './print-error';
import { findPythonFiles, unreadablePath } from './python-files';

const RULES_DOCS_URI = `${pathToFileURL(path.resolve(__dirname, '../../../docs/rules')).href}/`;

const FORMATTERS: Record<OutputFormat, (reports: readonly FileReport[], options: CheckOptions) => string> = {
  text: (reports, options) => formatText(reports, { color: options.color ?? colorByDefault() }),
  json: (reports) => formatJson(reports),
  sarif: (reports) => formatSarif(reports, { toolVersion: version, rulesDocsUri: RULES_DOCS_URI }),
};

export async function check(args: string[]): Promise<number> {
  try {
    const options = parseCheckArgs(args);
    const projects = new ProjectConfigFinder();
    const files = await findPythonFiles(options.paths, async (file) => selectedByConfig(file, await projects.forFile(file)));
    if (files.length === 0) printError(`attnlens check: no Python files or notebooks in ${options.paths.join(', ')}`);
    const { sources, notebooks } = pythonSources(await readSources(files));
    const reports = placeInCells(await analyzeByProject(sources, projects, options.settings), notebooks);
    process.stdout.write(FORMATTERS[options.format](reports, options));
    return hasErrors(reports) ? 1 : 0;
  } catch (err) {
    if (err instanceof ProjectConfigError) {
      printError(`attnlens check: ${err.message}`);
      return 2;
    }
    if (!(err instanceof UsageError)) throw err;
    printError(`attnlens check: ${err.message}`, '(see attnlens check --help)\n');
    return 2;
  }
}

/** Error-severity findings and parse errors fail the check (not what the parser cannot read of valid Python). */
export function hasErrors(reports: readonly FileReport[]): boolean {
  return reports.some((file) => file.parseErrors.some((e) => !e.limit) || file.calls.some((call) => call.findings.some((f) => f.severity === 'error')));
}

async function readSources(files: readonly string[]): Promise<SourceFile[]> {
  return Promise.all(files.map(async (file) => {
    try {
      return { path: file, text: await fs.readFile(file, 'utf8') };
    } catch (err) {
      throw new UsageError(`${file}: cannot read it (${unreadablePath(err)})`);
    }
  }));
}

/** Colour on a terminal, unless NO_COLOR is set to anything (https://no-color.org). */
function colorByDefault(): boolean {
  const noColor = process.env['NO_COLOR'];
  return process.stdout.isTTY === true && (noColor === undefined || noColor === '');
}
