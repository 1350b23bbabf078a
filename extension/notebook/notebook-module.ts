/**
 * A notebook's code cells as one Python module: run in order, they share one namespace, so they are
 * analysed as the text of the cells joined, each from a new line. IPython's own syntax is not
 * Python: line magics and shell lines (`%time …`, `!pip …`) and cell magics (a cell opening with
 * `%%`, whose body is another language or timed code) become blank lines, so every other line keeps
 * its place. Markdown and raw cells take no lines.
 *
 * Cells are numbered 1, 2, … among all cells, markdown included: the order Jupyter and VS Code show
 * them in. (The `In [n]` execution counts are not used: they change with every run.)
 */
import type { NotebookCell } from './notebook-file';

export interface CodeCellPlace {
  /** 1-based index among all the notebook's cells. */
  readonly cell: number;
  /** 1-based line of the module where the cell's first line is. */
  readonly firstLine: number;
  readonly lineCount: number;
}

export interface NotebookModule {
  /** The Python text analysed for the notebook. */
  readonly text: string;
  /** Its code cells in order; together they cover every line of `text`. */
  readonly cells: readonly CodeCellPlace[];
}

/** A place in a notebook: the cell, and the line in it (1-based). */
export interface CellLine {
  readonly cell: number;
  readonly line: number;
}

/** One cell's text as Python: IPython magics and shell lines blanked (see the module comment). */
export function cellPython(source: string): string[] {
  const lines = source.split('\n');
  if (lines[0]!.startsWith('%%')) return lines.map(() => '');
  return lines.map((line) => (/^\s*[%!]/.test(line) ? '' : line));
}

/** The module of a notebook's cells (all of them, in order, so that their numbers are right). */
export function notebookModule(cells: readonly NotebookCell[]): NotebookModule {
  const lines: string[] = [];
  const places: CodeCellPlace[] = [];
  for (const [i, cell] of cells.entries()) {
    if (cell.kind !== 'code') continue;
    const python = cellPython(cell.source);
    places.push({ cell: i + 1, firstLine: lines.length + 1, lineCount: python.length });
    lines.push(...python);
  }
  return { text: lines.join('\n'), cells: places };
}

/** Where a line of the module is in the notebook. */
export function cellLine(module: NotebookModule, line: number): CellLine {
  let place = module.cells[0];
  for (const c of module.cells) if (c.firstLine <= line) place = c;
  return place === undefined ? { cell: 1, line } : { cell: place.cell, line: line - place.firstLine + 1 };
}

/** The module's line for a line of a cell; undefined for a cell that is not one of its code cells. */
export function moduleLine(module: NotebookModule, at: CellLine): number | undefined {
  const place = module.cells.find((c) => c.cell === at.cell);
  return place && place.firstLine + at.line - 1;
}
