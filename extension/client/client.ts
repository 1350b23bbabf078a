/**
 * createClient(): the LanguageClient for `attnlens lsp` from the bundled CLI, over Node IPC, on
 * Python files. All inputs are parameters so the Ctx decides where the server lives.
 */
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { LogOutputChannel } from 'vscode';
import { sortStderr } from './server-stderr';
import { SERVER_V8_FLAGS } from './server-flags';

export function createClient(serverModule: string, storagePath: string, log: LogOutputChannel): LanguageClient {
  const run = { module: serverModule, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: [...SERVER_V8_FLAGS] } };
  const serverOptions: ServerOptions = { run, debug: { ...run, options: { execArgv: [...SERVER_V8_FLAGS, '--nolazy', '--inspect=6009'] } } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'python' }],
    outputChannel: log,
    stdioOptions: {
      stdout: (input, channel) => lines(input, (text) => channel.info(text), () => undefined),
      stderr: (input, channel) => {
        const sorter = sortStderr((level, text) => channel[level](text));
        lines(input, (text) => sorter.line(text), () => sorter.end());
      },
    },
    // The server keeps measured latencies here, so reopening a file shows them at once.
    initializationOptions: { storagePath },
    // Settings are pulled by the server through workspace/configuration; this keeps it notified.
    synchronize: { configurationSection: 'attnlens' },
  };
  return new LanguageClient('attnlens', 'Attention Lens', serverOptions, clientOptions);
}

function lines(input: Readable, onLine: (text: string) => void, onEnd: () => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', onLine).on('close', onEnd);
}
