import type { Session } from '../session';

/**
 * textDocument/didOpen, didChange, didClose (kept by TextDocuments) and notebookDocument/didOpen,
 * didChange, didClose (kept by NotebookDocuments): re-analyse after edits settle.
 */
export function watchDocuments(session: Session): void {
  session.documents.onDidChangeContent(() => session.scheduleAnalysis());
  session.documents.onDidClose((e) => {
    session.forget(e.document.uri);
    session.scheduleAnalysis();
  });
  session.notebooks.documents.onDidOpen(() => session.scheduleAnalysis());
  session.notebooks.documents.onDidChange(() => session.scheduleAnalysis());
  session.notebooks.documents.onDidClose((notebook) => {
    session.forgetNotebook(notebook.uri);
    session.scheduleAnalysis();
  });
}
