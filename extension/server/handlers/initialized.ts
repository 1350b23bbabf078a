import { DidChangeConfigurationNotification, DidChangeWatchedFilesNotification } from 'vscode-languageserver';
import { serverStatus } from '../../protocol';
import type { Session } from '../session';

/** Settings and the runtime's status are available once the client has initialized. */
export async function initialized(session: Session): Promise<void> {
  // Started first: documents opened from now on are analysed once the workspace's callers are read.
  const workspace = session.loadWorkspace();
  if (session.client.dynamicConfiguration) {
    await session.connection.client.register(DidChangeConfigurationNotification.type, { section: 'attnlens' });
  }
  // Callers in files the user has not opened change on disk too (a pull, another editor, a formatter),
  // and so does the project's [tool.attnlens].
  if (session.client.watchedFiles) {
    await session.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/*.ipynb' }, { globPattern: '**/pyproject.toml' }] });
  }
  await session.loadSettings();
  await session.connection.sendNotification(serverStatus, session.runtime.status());
  session.runtime.onStatus((status) => {
    void session.connection.sendNotification(serverStatus, status);
    // Latency shown so far may be stale (another adapter) or pending on a restarted worker.
    session.scheduleAnalysis();
  });
  await workspace;
}
