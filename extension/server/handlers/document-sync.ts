import { Disposable, type Connection, type NotebookDocuments, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Session } from '../session';

type SyncHandler = (params: unknown) => unknown;
type TextDocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

/**
 * The sync handlers of TextDocuments and NotebookDocuments, by method. The libraries register them
 * on a stand-in connection, not the real one, so that the server's routes run them behind its guard
 * (lifecycle, params): the libraries read params as sent, and one didOpen whose URI is not a string
 * stayed among the documents and failed every analysis after it. Save notifications are never
 * routed: the server does not ask for them.
 */
export class DocumentSync {
  private readonly handlers = new Map<string, SyncHandler>();

  constructor(documents: TextDocuments<TextDocument>, notebooks: NotebookDocuments<TextDocument>) {
    const on = (method: string) => (handler: SyncHandler) => {
      this.handlers.set(method, handler);
      return Disposable.create(() => this.handlers.delete(method));
    };
    const text = {
      onDidOpenTextDocument: on('textDocument/didOpen'),
      onDidChangeTextDocument: on('textDocument/didChange'),
      onDidCloseTextDocument: on('textDocument/didClose'),
      onWillSaveTextDocument: on('textDocument/willSave'),
      onWillSaveTextDocumentWaitUntil: on('textDocument/willSaveWaitUntil'),
      onDidSaveTextDocument: on('textDocument/didSave'),
    } as TextDocumentConnection;
    documents.listen(text);
    const synchronization = {
      onDidOpenNotebookDocument: on('notebookDocument/didOpen'),
      onDidChangeNotebookDocument: on('notebookDocument/didChange'),
      onDidSaveNotebookDocument: on('notebookDocument/didSave'),
      onDidCloseNotebookDocument: on('notebookDocument/didClose'),
    };
    // NotebookDocuments.listen is typed for a whole Connection but reads only its notebook sync.
    notebooks.listen({ notebooks: { synchronization } } as unknown as Connection);
  }

  /** Runs the libraries' handler of `method` on params already checked (NotebookDocuments' are async). */
  async handle(method: string, params: unknown): Promise<void> {
    await this.handlers.get(method)?.(params);
  }
}

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
