import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { toCodeLenses } from '../convert';
import type { Session } from '../session';

export function codeLens(session: Session, params: CodeLensParams): CodeLens[] {
  const doc = session.analysis(params.textDocument.uri);
  return doc === undefined ? [] : toCodeLenses(doc.report, params.textDocument.uri, doc.version);
}
