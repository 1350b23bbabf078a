/**
 * A Jupyter notebook file (`.ipynb`, nbformat 4) read as the list of its cells. Pure: callers read
 * the file. A file that is not a notebook is an `InvalidNotebook` naming why, never an exception.
 */

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  readonly kind: CellKind;
  readonly source: string;
}

export interface InvalidNotebook {
  /** Why it is no notebook. */
  readonly invalid: string;
  /** Where in the file (1-based): where the JSON breaks off, else its start. */
  readonly line: number;
  readonly column: number;
}

/** Whether a path names a notebook, by its extension (as Jupyter and VS Code decide). */
export function isNotebookPath(path: string): boolean {
  return path.endsWith('.ipynb');
}

/** The cells of a notebook's JSON text, in file order; why not, when it is no notebook. */
export function parseNotebookFile(json: string): NotebookCell[] | InvalidNotebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    const message = (err as Error).message;
    // The place is given as line and column; V8's offset in the message would say it twice.
    return { invalid: `not a valid notebook: the file is not JSON (${message.replace(/ in JSON at position .*$/, '')})`, ...jsonErrorPlace(json, message) };
  }
  const cells = (parsed as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return invalid('not a valid notebook: it has no "cells" list (nbformat 4)');
  const read: NotebookCell[] = [];
  for (const [i, cell] of cells.entries()) {
    const { cell_type: kind, source } = (cell ?? {}) as { cell_type?: unknown; source?: unknown };
    if (kind !== 'code' && kind !== 'markdown' && kind !== 'raw') return invalid(`not a valid notebook: cell ${i + 1} has no cell_type code, markdown or raw`);
    // nbformat allows the source as one string or as its lines (each ending in "\n" but the last).
    const text = typeof source === 'string' ? source : Array.isArray(source) && source.every((s) => typeof s === 'string') ? source.join('') : undefined;
    if (text === undefined) return invalid(`not a valid notebook: cell ${i + 1}'s source is not text`);
    read.push({ kind, source: text });
  }
  return read;
}

function invalid(why: string): InvalidNotebook {
  return { invalid: why, line: 1, column: 1 };
}

/** Where JSON.parse stopped: V8 names the offset (`… in JSON at position 65`), or says the text ended early. */
function jsonErrorPlace(json: string, message: string): { line: number; column: number } {
  const offset = /at position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? json.length : 0);
  const before = json.slice(0, Number(offset)).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
