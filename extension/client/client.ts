/**
 * createClient(): the LanguageClient for `attnlens lsp` from the bundled CLI, over Node IPC, on
 * Python files. All inputs are parameters so the Ctx decides where the server lives.
 */
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { LogOutputChannel } from 'vscode';

export function createClient(serverModule: string, storagePath: string, log: LogOutputChannel): LanguageClient {
  const run = { module: serverModule, args: ['lsp'], transport: TransportKind.ipc };
  const serverOptions: ServerOptions = { run, debug: { ...run, options: { execArgv: ['--nolazy', '--inspect=6009'] } } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'python' }],
    outputChannel: log,
    // The server keeps measured latencies here, so reopening a file shows them at once.
    initializationOptions: { storagePath },
    // Settings are pulled by the server through workspace/configuration; this keeps it notified.
    synchronize: { configurationSection: 'attnlens' },
  };
  return new LanguageClient('attnlens', 'Attention Lens', serverOptions, clientOptions);
}
