import { CodeActionKind, TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver';
import { version } from '../../../package.json';
import { fileStore } from '../measurement-store';
import { NOTEBOOK_SYNC } from '../open-notebooks';
import { uriToPath, type Session } from '../session';

/** Records what the client can do and the raw options, once; answers the server's capabilities. */
export function initialize(session: Session, params: InitializeParams): InitializeResult {
  const caps = params.capabilities;
  session.client = {
    configuration: caps.workspace?.configuration === true,
    dynamicConfiguration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    codeLensRefresh: caps.workspace?.codeLens?.refreshSupport === true,
    inlayHintRefresh: caps.workspace?.inlayHint?.refreshSupport === true,
    workDoneProgress: caps.window?.workDoneProgress === true,
    watchedFiles: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
  };
  const options = params.initializationOptions as { storagePath?: unknown; settings?: unknown } | undefined;
  session.rawOptions = options?.settings;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri === null || params.rootUri === undefined ? [] : [params.rootUri]);
  session.roots = folders.filter((uri) => uri.startsWith('file:')).map(uriToPath);
  if (typeof options?.storagePath === 'string') {
    session.measurements.useStore(fileStore(options.storagePath, (m) => session.connection.console.warn(m)));
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      notebookDocumentSync: NOTEBOOK_SYNC,
      hoverProvider: true,
      codeLensProvider: { resolveProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'attnlens', version },
  };
}
