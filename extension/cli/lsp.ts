/**
 * `attnlens lsp --stdio | --node-ipc`: the language server any LSP editor starts. It runs until
 * the client sends `exit` or closes the stream; vscode-languageserver then ends the process.
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../server/main';
import { MISSING_CAPABILITIES_REACH_THE_CHECK } from '../server/params';

export const LSP_USAGE = `usage: attnlens lsp --stdio | --node-ipc

Runs the language server on standard input and output (--stdio, for any editor) or on the Node IPC
channel of the process that started it (--node-ipc). docs/extension.md shows editor set-ups.
`;

export async function lsp(args: string[]): Promise<number> {
  const transport = args.find((a) => a === '--stdio' || a === '--node-ipc');
  if (transport === undefined) {
    process.stderr.write(LSP_USAGE);
    return 2;
  }
  const options = { messageStrategy: MISSING_CAPABILITIES_REACH_THE_CHECK };
  const connection = transport === '--stdio'
    ? createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout), options)
    : createConnection(ProposedFeatures.all, options);
  startServer(connection);
  // The server outlives any one failure: what escapes a handler is logged, not fatal.
  const report = (what: string) => (err: unknown) => connection.console.error(`${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
