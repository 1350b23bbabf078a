/** Source files as the analysis reads them: a notebook's JSON becomes the Python text of its code cells. */
import type { SourceFile } from '../analysis/index';
import type { Notebook } from './cell-report';
import { analysedText } from './cell-report';
import { isNotebookPath, parseNotebookFile } from './notebook-file';
import { notebookModule } from './notebook-module';

export function readNotebook(json: string): Notebook {
  const cells = parseNotebookFile(json);
  return 'invalid' in cells ? cells : notebookModule(cells);
}

/** The files to analyse, notebooks as Python, and the notebooks by path (to put the reports back into cells). */
export function pythonSources(files: readonly SourceFile[]): { sources: SourceFile[]; notebooks: Map<string, Notebook> } {
  const notebooks = new Map<string, Notebook>();
  const sources = files.map((file) => {
    if (!isNotebookPath(file.path)) return file;
    const notebook = readNotebook(file.text);
    notebooks.set(file.path, notebook);
    return { path: file.path, text: analysedText(notebook) };
  });
  return { sources, notebooks };
}
