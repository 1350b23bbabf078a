import { FileChangeType, type DidChangeWatchedFilesParams } from 'vscode-languageserver';
import { uriToPath, type Session } from '../session';

/** workspace/didChangeWatchedFiles: Python files changed on disk are read again and the open documents re-analysed. */
export async function didChangeWatchedFiles(session: Session, params: DidChangeWatchedFilesParams): Promise<void> {
  await session.filesChanged(params.changes
    .filter((c) => c.uri.startsWith('file:'))
    .map((c) => ({ path: uriToPath(c.uri), deleted: c.type === FileChangeType.Deleted })));
}
