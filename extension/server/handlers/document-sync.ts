import type { Session } from '../session';

/** textDocument/didOpen, didChange, didClose (kept by TextDocuments): re-analyse after edits settle. */
export function watchDocuments(session: Session): void {
  session.documents.onDidChangeContent(() => session.scheduleAnalysis());
  session.documents.onDidClose((e) => {
    session.forget(e.document.uri);
    session.scheduleAnalysis();
  });
}
