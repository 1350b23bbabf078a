/**
 * startServer(connection): the routing table from LSP method to handler. Every handler runs through
 * one guard: it answers as the LSP lifecycle says (ServerNotInitialized before `initialize`,
 * InvalidRequest after `shutdown` or for a second `initialize`), InvalidParams for params the
 * handler cannot read (a notification's are logged as ignored), and a failure is logged and answered
 * with an LSP error; the server keeps running.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';
import { AnalysisSession } from '../analysis/index';
import * as protocol from '../protocol';
import { benchmark } from './handlers/benchmark';
import { clearMeasurementCache } from './handlers/clear-measurement-cache';
import { codeAction } from './handlers/code-action';
import { codeLens } from './handlers/code-lens';
import { codeLensResolve } from './handlers/code-lens-resolve';
import { didChangeConfiguration } from './handlers/did-change-configuration';
import { didChangeWatchedFiles } from './handlers/did-change-watched-files';
import { watchDocuments } from './handlers/document-sync';
import { hover } from './handlers/hover';
import { initialize } from './handlers/initialize';
import { initialized } from './handlers/initialized';
import { inlayHint } from './handlers/inlay-hint';
import { runtimeReport } from './handlers/runtime-report';
import { shutdown } from './handlers/shutdown';
import {
  BENCHMARK_PARAMS, CODE_ACTION_PARAMS, CODE_LENS, DID_CHANGE_CONFIGURATION_PARAMS, DID_CHANGE_PARAMS, DID_CLOSE_PARAMS, DID_OPEN_PARAMS, INITIALIZE_PARAMS,
  NOTEBOOK_DID_CHANGE_PARAMS, NOTEBOOK_DID_CLOSE_PARAMS, NOTEBOOK_DID_OPEN_PARAMS,
  POSITION_PARAMS, RANGE_PARAMS, TEXT_DOCUMENT_PARAMS, WATCHED_FILES_PARAMS, type Check,
} from './params';
import { RuntimeProxy } from '../../runtime/worker/proxy';
import { RuntimeUnavailableError, type RuntimeGateway } from './runtime-gateway';
import { workerRuntime } from './worker-runtime';
import { Session, type AnalysisFactory, type Lifecycle } from './session';

/** What the server runs on; tests pass their own, the CLI takes the defaults. */
export interface ServerDependencies {
  readonly createAnalysis?: AnalysisFactory;
  readonly runtime?: RuntimeGateway;
}

type Handler<P, R> = (session: Session, params: P, token: CancellationToken) => R | Promise<R>;
type Guarded<P, R> = (params: P, token: CancellationToken) => Promise<R>;
interface Route {
  readonly method: string;
  readonly bind: (connection: Connection, session: Session) => void;
}

/** A request: `on` registers the guarded handler with the connection; `params` checks what it is sent. */
function request<P, R>(method: string, on: (c: Connection, h: Guarded<P, R>) => void, handler: Handler<P, R>, params?: Check): Route {
  return {
    method,
    bind: (c, session) => on(c, async (sent, token) => {
      const refusal = lifecycleRefusal(method, session.lifecycle);
      if (refusal !== undefined) throw refusal;
      const problem = params?.(sent, 'params');
      if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: ${problem}`);
      session.lifecycle = LIFECYCLE_AFTER[method] ?? session.lifecycle;
      try {
        return await handler(session, sent, token);
      } catch (err) {
        c.console.error(`${method} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        throw toResponseError(err);
      }
    }),
  };
}

/**
 * A notification: no one to answer, so params it cannot read are logged as ignored, naming the field,
 * and a failure is only logged; before `initialize` it is dropped (LSP).
 */
function notification<P>(method: string, on: (c: Connection, h: (params: P) => void) => void, handler: Handler<P, void>, check?: Check): Route {
  return {
    method,
    bind: (c, session) => on(c, (params) => {
      if (session.lifecycle === 'starting') return;
      const problem = check?.(params, 'params');
      if (problem !== undefined) {
        c.console.warn(`${method} ignored: ${problem}`);
        return;
      }
      Promise.resolve()
        .then(() => handler(session, params, NEVER_CANCELLED))
        .catch((err: unknown) => c.console.error(`${method} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    }),
  };
}

/** A document sync notification, run by the handler TextDocuments or NotebookDocuments keeps for it (DocumentSync). */
function documentSync(method: string, check: Check): Route {
  return notification(method, (c, h) => c.onNotification(method, h), (session, params) => session.sync.handle(method, params), check);
}

/** The requests that move the server on in its lifecycle, from the moment they are accepted. */
const LIFECYCLE_AFTER: Readonly<Record<string, Lifecycle>> = { initialize: 'running', shutdown: 'shut down' };

function lifecycleRefusal(method: string, lifecycle: Lifecycle): ResponseError<void> | undefined {
  if (method === 'initialize' && lifecycle !== 'starting') return new ResponseError(ErrorCodes.InvalidRequest, 'initialize may be sent only once');
  if (method !== 'initialize' && lifecycle === 'starting') return new ResponseError(ErrorCodes.ServerNotInitialized, `${method}: the server is not initialized yet (send initialize first)`);
  if (lifecycle === 'shut down') return new ResponseError(ErrorCodes.InvalidRequest, `${method}: the server is shut down (send exit)`);
  return undefined;
}

const NEVER_CANCELLED: CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

function toResponseError(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err;
  if (err instanceof RuntimeUnavailableError) return new ResponseError(LSPErrorCodes.RequestFailed, err.message);
  return new ResponseError(ErrorCodes.InternalError, err instanceof Error ? err.message : String(err));
}

export const ROUTES: readonly Route[] = [
  request('initialize', (c, h) => c.onInitialize(h), initialize, INITIALIZE_PARAMS),
  notification('initialized', (c, h) => c.onInitialized(h), initialized),
  notification('workspace/didChangeConfiguration', (c, h) => c.onDidChangeConfiguration(h), didChangeConfiguration, DID_CHANGE_CONFIGURATION_PARAMS),
  documentSync('textDocument/didOpen', DID_OPEN_PARAMS),
  documentSync('textDocument/didChange', DID_CHANGE_PARAMS),
  documentSync('textDocument/didClose', DID_CLOSE_PARAMS),
  documentSync('notebookDocument/didOpen', NOTEBOOK_DID_OPEN_PARAMS),
  documentSync('notebookDocument/didChange', NOTEBOOK_DID_CHANGE_PARAMS),
  documentSync('notebookDocument/didClose', NOTEBOOK_DID_CLOSE_PARAMS),
  notification('workspace/didChangeWatchedFiles', (c, h) => c.onDidChangeWatchedFiles(h), didChangeWatchedFiles, WATCHED_FILES_PARAMS),
  request('textDocument/codeLens', (c, h) => c.onCodeLens(h), codeLens, TEXT_DOCUMENT_PARAMS),
  request('codeLens/resolve', (c, h) => c.onCodeLensResolve(h), codeLensResolve, CODE_LENS),
  request('textDocument/hover', (c, h) => c.onHover(h), hover, POSITION_PARAMS),
  request('textDocument/codeAction', (c, h) => c.onCodeAction(h), codeAction, CODE_ACTION_PARAMS),
  request('textDocument/inlayHint', (c, h) => c.languages.inlayHint.on(h), inlayHint, RANGE_PARAMS),
  request(protocol.runtimeReport.method, (c, h) => c.onRequest(protocol.runtimeReport, (token) => h(undefined, token)), runtimeReport),
  request(protocol.benchmark.method, (c, h) => c.onRequest(protocol.benchmark, h), benchmark, BENCHMARK_PARAMS),
  request(protocol.clearMeasurementCache.method, (c, h) => c.onRequest(protocol.clearMeasurementCache, (token) => h(undefined, token)), clearMeasurementCache),
  request('shutdown', (c, h) => c.onShutdown((token) => h(undefined, token)), shutdown),
];

export function startServer(connection: Connection, deps: ServerDependencies = {}): Session {
  const runtime = deps.runtime ?? workerRuntime(new RuntimeProxy());
  const session = new Session(connection, deps.createAnalysis ?? AnalysisSession.create, runtime);
  for (const route of ROUTES) route.bind(connection, session);
  watchDocuments(session);
  connection.listen();
  return session;
}
