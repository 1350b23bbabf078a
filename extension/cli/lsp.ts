/**
 * `attnlens lsp --stdio | --node-ipc`: the language server any LSP editor starts. It runs until
 * the client sends `exit` or closes the stream; vscode-languageserver then ends the process.
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from '../server/main';

export async function lsp(args: string[]): Promise<number> {
  const transport = args.find((a) => a === '--stdio' || a === '--node-ipc');
  if (transport === undefined) {
    process.stderr.write('usage: attnlens lsp --stdio | --node-ipc\n');
    return 2;
  }
  const connection = transport === '--stdio'
    ? createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout))
    : createConnection(ProposedFeatures.all);
  startServer(connection);
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
