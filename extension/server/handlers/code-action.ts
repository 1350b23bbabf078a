import type { CodeAction, CodeActionParams } from 'vscode-languageserver';
import { toCodeActions } from '../convert';
import type { Session } from '../session';

export function codeAction(session: Session, params: CodeActionParams): CodeAction[] {
  const doc = session.analysis(params.textDocument.uri);
  return doc === undefined ? [] : toCodeActions(doc.report, params.textDocument.uri, params.range, params.context?.diagnostics ?? []);
}
