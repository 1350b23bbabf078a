/**
 * Open notebook documents (LSP 3.17 notebook sync, kept by NotebookDocuments) as the analysis sees
 * them: each notebook one module of its code cells (notebook-module.ts), under its own path; its
 * report split into one report per cell, at cell-relative positions, so the handlers that read a
 * document's report (diagnostics, code lenses, hovers, code actions, inlay hints) serve a cell's
 * URI as they serve a Python file's.
 */
import { NotebookCellKind, NotebookDocuments, type NotebookDocument } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileReport } from '../analysis/report';
import { notebookModule, type NotebookModule } from '../notebook/notebook-module';

/**
 * What the server asks the client to sync: every cell of Jupyter notebooks (VS Code's notebook type).
 * Not only the Python cells: a client leaves out the cells a `cells` filter does not name, and cell
 * numbers count every cell, markdown too, as Jupyter, VS Code and `attnlens check` number them.
 */
export const NOTEBOOK_SYNC = { notebookSelector: [{ notebook: 'jupyter-notebook' }] };

export interface OpenNotebook {
  readonly uri: string;
  readonly module: NotebookModule;
  /** Each Python code cell's URI and text version, by cell number (1-based among all cells). */
  readonly cells: ReadonlyMap<number, { readonly uri: string; readonly version: number }>;
}

export class OpenNotebooks {
  readonly documents = new NotebookDocuments(TextDocument);
  /** NotebookDocuments lists no notebooks: their URIs are kept here as they open and close. */
  private readonly open = new Set<string>();

  constructor() {
    this.documents.onDidOpen((n) => this.open.add(n.uri));
    this.documents.onDidClose((n) => this.open.delete(n.uri));
  }

  /** The open notebooks' URIs. */
  uris(): string[] {
    return [...this.open];
  }

  /** The open notebooks, each as the module its cells make now. */
  all(): OpenNotebook[] {
    return [...this.open].flatMap((uri) => {
      const notebook = this.documents.getNotebookDocument(uri);
      return notebook ? [this.read(notebook)] : [];
    });
  }

  /** A notebook's cells: a code cell the client syncs as Python is code, any other (markdown, another language) takes no lines. */
  private read(notebook: NotebookDocument): OpenNotebook {
    const cells = new Map<number, { uri: string; version: number }>();
    const sources = notebook.cells.map((cell, i) => {
      const text = cell.kind === NotebookCellKind.Code ? this.documents.getCellTextDocument(cell) : undefined;
      if (text === undefined || text.languageId !== 'python') return { kind: 'markdown' as const, source: '' };
      cells.set(i + 1, { uri: cell.document, version: text.version });
      return { kind: 'code' as const, source: text.getText() };
    });
    return { uri: notebook.uri, module: notebookModule(sources), cells };
  }
}

/** A notebook's report (placed in cells) as one report per Python cell, with the cell's URI and version. */
export function cellReports(report: FileReport, notebook: OpenNotebook): { uri: string; version: number; report: FileReport }[] {
  return [...notebook.cells].map(([cell, { uri, version }]) => ({
    uri,
    version,
    report: {
      path: report.path,
      parseErrors: report.parseErrors.filter((e) => e.span.cell === cell),
      calls: report.calls.filter((c) => c.span.cell === cell),
      internalErrors: report.internalErrors.filter((e) => e.span.cell === cell),
    },
  }));
}
