/** Source files as the analysis reads them: a notebook's JSON becomes the Python text of its code cells. */
import type { SourceFile } from '../analysis/index';
import type { Notebook } from './cell-report';
import { analysedText } from './cell-report';
import { isNotebookPath, parseNotebookFile } from './notebook-file';
import { notebookModule } from './notebook-module';

function readNotebook(json: string): Notebook {
  const cells = parseNotebookFile(json);
  return 'invalid' in cells ? cells : notebookModule(cells);
}

/** A file as the analysis reads it, and the notebook it is, if it is one. */
export function pythonSource(file: SourceFile): { source: SourceFile; notebook?: Notebook } {
  if (!isNotebookPath(file.path)) return { source: file };
  const notebook = readNotebook(file.text);
  return { source: { path: file.path, text: analysedText(notebook) }, notebook };
}

/** The files to analyse, notebooks as Python, and the notebooks by path (to put the reports back into cells). */
export function pythonSources(files: readonly SourceFile[]): { sources: SourceFile[]; notebooks: Map<string, Notebook> } {
  const notebooks = new Map<string, Notebook>();
  const sources = files.map((file) => {
    const { source, notebook } = pythonSource(file);
    if (notebook !== undefined) notebooks.set(file.path, notebook);
    return source;
  });
  return { sources, notebooks };
}
