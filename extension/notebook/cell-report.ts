/**
 * Reports of the analysis, which sees a notebook as one module (notebook-module.ts), put back into
 * the notebook's cells: a notebook's spans get their cell and cell-relative lines, and every
 * message that names a notebook line (`autocast region at train.ipynb:14`, in a notebook's report
 * or in a module it calls) names its cell (`train.ipynb:cell 3:2`).
 */
import type { FileReport, Span } from '../analysis/report';
import { mapReport } from '../analysis/reporting/relocate';
import type { InvalidNotebook } from './notebook-file';
import { cellLine, type NotebookModule } from './notebook-module';

export type Notebook = NotebookModule | InvalidNotebook;

/** The Python text the analysis reads for a notebook: nothing for one that could not be read. */
export function analysedText(notebook: Notebook): string {
  return 'invalid' in notebook ? '' : notebook.text;
}

/** `reports` with notebooks' positions in cells; `notebooks` by path (the reports' paths). */
export function placeInCells(reports: readonly FileReport[], notebooks: ReadonlyMap<string, Notebook>): FileReport[] {
  const modules = [...notebooks].flatMap(([path, notebook]) => ('invalid' in notebook ? [] : [{ path, module: notebook }]));
  const renameLines = lineRenamer(modules);
  return reports.map((report) => {
    const notebook = notebooks.get(report.path);
    if (notebook !== undefined && 'invalid' in notebook) return invalidNotebookReport(report.path, notebook);
    const onSpan = notebook === undefined ? (s: Span) => s : (s: Span) => cellSpan(notebook, s);
    return mapReport(report, onSpan, renameLines) as FileReport;
  });
}

/** A span of the module as a span of a cell. One that runs on into later cells (a bracket left open) ends after its first cell's last line. */
function cellSpan(module: NotebookModule, span: Span): Span {
  const start = cellLine(module, span.line);
  const end = cellLine(module, span.endLine);
  const endsInCell = end.cell === start.cell;
  const lastLine = module.cells.find((c) => c.cell === start.cell)?.lineCount ?? start.line;
  return {
    cell: start.cell,
    line: start.line,
    column: span.column,
    endLine: endsInCell ? end.line : lastLine + 1,
    endColumn: endsInCell ? span.endColumn : 1,
  };
}

/**
 * `label:line` of a notebook in a message → `label:cell C:line`. Messages name a file by its label,
 * a path suffix ending in the file's name (file-labels.ts), so the name ends the match.
 */
function lineRenamer(modules: readonly { path: string; module: NotebookModule }[]): (text: string) => string {
  if (modules.length === 0) return (text) => text;
  const byName = new Map(modules.map(({ path, module }) => [path.split(/[\\/]/).pop()!, module]));
  const names = [...byName.keys()].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const reference = new RegExp(`(?<![\\w.-])((?:[\\w.-]+/)*(${names})):(\\d+)`, 'g');
  return (text) => text.replace(reference, (_, label: string, name: string, line: string) => {
    const at = cellLine(byName.get(name)!, Number(line));
    return `${label}:cell ${at.cell}:${at.line}`;
  });
}

/** A notebook that could not be read: its one finding says why, where the file breaks off (a place in the file, not in a cell). */
function invalidNotebookReport(path: string, notebook: InvalidNotebook): FileReport {
  const span = { line: notebook.line, column: notebook.column, endLine: notebook.line, endColumn: notebook.column + 1 };
  return { path, parseErrors: [{ span, message: notebook.invalid }], calls: [], internalErrors: [] };
}
