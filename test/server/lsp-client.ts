/**
 * A real JSON-RPC LSP client for tests: talks to the server either in this process (over a pair of
 * streams, with hand-built analysis results) or to `bin/attnlens.js lsp --stdio` as a child process.
 * It answers the server's requests (configuration, registration, refresh) like an editor would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import {
  CodeLensRefreshRequest, ConfigurationRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  InitializedNotification, InitializeRequest, LogMessageNotification, PublishDiagnosticsNotification, RegistrationRequest,
  WorkDoneProgressCreateRequest, type ClientCapabilities, type InitializeResult, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { startServer, type ServerDependencies } from '../../extension/server/main';
import { serverStatus, type ServerStatus } from '../../extension/protocol';

export const BIN = path.resolve(__dirname, '../../../bin/attnlens.js');

export const EDITOR_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } },
  window: { workDoneProgress: true },
};

export class LspClient {
  readonly logs: string[] = [];
  readonly statuses: ServerStatus[] = [];
  readonly progress: unknown[] = [];
  codeLensRefreshes = 0;
  /** The methods the server registered dynamically (`client/registerCapability`), with their options. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** What the client answers to workspace/configuration for `attnlens`. */
  settings: unknown = {};
  private readonly diagnostics: PublishDiagnosticsParams[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly connection: ProtocolConnection, private readonly dispose: () => void) {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => { this.diagnostics.push(p); this.wake(); });
    connection.onNotification(LogMessageNotification.type, (p) => { this.logs.push(p.message); this.wake(); });
    connection.onNotification(serverStatus.method, (p: ServerStatus) => { this.statuses.push(p); this.wake(); });
    connection.onNotification('$/progress', (p: unknown) => { this.progress.push(p); });
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => this.settings));
    connection.onRequest(RegistrationRequest.type, (p) => { this.registrations.push(...p.registrations); });
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(CodeLensRefreshRequest.type, () => { this.codeLensRefreshes++; this.wake(); });
    connection.listen();
  }

  /** The server in this process, on the given analysis and runtime. */
  static inProcess(deps: ServerDependencies): LspClient {
    const toServer = new PassThrough(), toClient = new PassThrough();
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, deps);
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    return new LspClient(client, () => { client.dispose(); server.dispose(); });
  }

  /** `attnlens lsp --stdio` as a child process, as an editor starts it. */
  static spawn(): LspClient & { readonly child: ChildProcess } {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    return Object.assign(new LspClient(client, () => { client.dispose(); child.kill(); }), { child });
  }

  async initialize(capabilities: ClientCapabilities = EDITOR_CAPABILITIES, initializationOptions?: unknown, rootUri: string | null = null): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, { processId: null, rootUri, capabilities, initializationOptions });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
  }

  async replace(uri: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The next diagnostics published for `uri` at `version`. */
  async diagnosticsFor(uri: string, version: number, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    return this.until(() => this.diagnostics.find((d) => d.uri === uri && d.version === version), `diagnostics for ${uri} v${version}`, timeoutMs);
  }

  /** Resolves once `probe` returns a value; rejects with what was awaited after the timeout. */
  async until<T>(probe: () => T | undefined, what: string, timeoutMs = 10000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; server log:\n${this.logs.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Repeats `request` until its answer passes `done` (for state the server fills in later). */
  async poll<T>(request: () => Promise<T>, done: (answer: T) => boolean, what: string, timeoutMs = 10000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await request();
      if (done(answer)) return answer;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Every diagnostics notification published for `uri`, in order. */
  publishedFor(uri: string): readonly PublishDiagnosticsParams[] {
    return this.diagnostics.filter((d) => d.uri === uri);
  }

  /** The latest diagnostics published for `uri`. */
  latestDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.diagnostics.filter((d) => d.uri === uri).at(-1);
  }

  close(): void {
    this.dispose();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
