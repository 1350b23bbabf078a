/**
 * `attnlens lsp --stdio | --node-ipc`: the language server any LSP editor starts. It runs until
 * the client sends `exit` or closes the stream; vscode-languageserver then ends the process.
 */
import { createConnection, ErrorCodes, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type ResponseMessage } from 'vscode-languageserver/node';
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
  let connection;
  if (transport === '--stdio') {
    const reader = new StreamMessageReader(process.stdin);
    const writer = new StreamMessageWriter(process.stdout);
    // A message that is not JSON gets JSON-RPC's Parse error (id null, as its id cannot be read); the
    // framing is intact, so the messages after it are read as usual.
    reader.onError((err) => void writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `Parse error: ${err.message}` } } as ResponseMessage));
    connection = createConnection(ProposedFeatures.all, reader, writer, options);
  } else {
    connection = createConnection(ProposedFeatures.all, options);
  }
  startServer(connection);
  // The server outlives any one failure: what escapes a handler is logged, not fatal.
  const report = (what: string) => (err: unknown) => connection.console.error(`${what}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
