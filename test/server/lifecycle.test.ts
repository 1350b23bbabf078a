/** The server's answers as the LSP specification's lifecycle and error codes say, over stdio to `attnlens lsp --stdio`. */
import * as assert from 'node:assert/strict';
import {
  CodeActionRequest, CodeLensRequest, CodeLensResolveRequest, DidChangeWatchedFilesNotification, ErrorCodes, HoverRequest, InitializeRequest, InlayHintRequest, ResponseError, ShutdownRequest,
} from 'vscode-languageserver-protocol';
import * as protocol from '../../extension/protocol';
import { LspClient } from './lsp-client';

const URI = 'file:///nowhere/model.py';
const HOVER = { textDocument: { uri: URI }, position: { line: 0, character: 0 } };

/** The error `request` is answered with, as [code, message]. */
async function refusal(request: Promise<unknown>): Promise<[number, string]> {
  try {
    await request;
  } catch (err) {
    assert.ok(err instanceof ResponseError, String(err));
    return [err.code, err.message];
  }
  return assert.fail('the request was answered without an error');
}

describe('attnlens lsp --stdio: lifecycle and invalid params', function () {
  this.timeout(30000);
  let client: ReturnType<typeof LspClient.spawn>;
  beforeEach(() => { client = LspClient.spawn(); client.settings = { measurement: { enabled: false } }; });
  afterEach(() => client.close());

  it('answers requests before initialize with ServerNotInitialized, then initializes', async () => {
    assert.deepEqual(await refusal(client.connection.sendRequest(HoverRequest.type, HOVER)),
      [-32002, 'textDocument/hover: the server is not initialized yet (send initialize first)']);
    assert.deepEqual(await refusal(client.connection.sendRequest(protocol.runtimeReport)),
      [ErrorCodes.ServerNotInitialized, 'attnlens/runtimeReport: the server is not initialized yet (send initialize first)']);
    const result = await client.initialize();
    assert.equal(result.serverInfo?.name, 'attnlens');
    assert.equal(await client.connection.sendRequest(HoverRequest.type, HOVER), null);
  });

  it('answers a message that is not JSON with a Parse error, and reads the next one', async () => {
    let raw = '';
    client.child.stdout!.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
    const body = '{"jsonrpc": "2.0", "id": 1, "method": ';
    client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const result = await client.initialize();
    assert.equal(result.serverInfo?.name, 'attnlens');
    assert.match(raw, /"id":null,"error":\{"code":-32700,"message":"Parse error: [^"]+"\}/);
  });

  it('refuses a second initialize with InvalidRequest', async () => {
    await client.initialize();
    assert.deepEqual(await refusal(client.connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} })),
      [-32600, 'initialize may be sent only once']);
  });

  it('answers params it cannot read with InvalidParams naming the field', async () => {
    const initializeCases: [unknown, string][] = [
      [{ processId: null, rootUri: null, capabilities: 'all' }, 'params.capabilities must be an object'],
      [{ processId: null, rootUri: null }, 'params.capabilities must be an object'],
      [{ processId: null, rootUri: 5, capabilities: {} }, 'params.rootUri must be a string or null'],
      [{ processId: null, rootUri: null, capabilities: {}, workspaceFolders: [{ uri: 5, name: 'w' }] }, 'params.workspaceFolders[0].uri must be a string'],
    ];
    for (const [params, problem] of initializeCases) {
      assert.deepEqual(await refusal(client.connection.sendRequest(InitializeRequest.type, params as never)),
        [-32602, `initialize: ${problem}`], JSON.stringify(params));
    }
    await client.initialize();
    const cases: [Promise<unknown>, string][] = [
      [client.connection.sendRequest(HoverRequest.type, {} as never), 'textDocument/hover: params.textDocument must be an object'],
      [client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: -1, character: 0 } }), 'textDocument/hover: params.position.line must be a non-negative integer'],
      [client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: 7 } } as never), 'textDocument/codeLens: params.textDocument.uri must be a string'],
      [client.connection.sendRequest(CodeLensResolveRequest.type, { range: HOVER.position as never }), 'codeLens/resolve: params.range.start must be an object'],
      [client.connection.sendRequest(CodeLensResolveRequest.type, { range: { start: HOVER.position, end: HOVER.position } }), 'codeLens/resolve: params.data must be an object'],
      [client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: URI } } as never), 'textDocument/inlayHint: params.range must be an object'],
      [client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: { start: HOVER.position, end: HOVER.position }, context: { diagnostics: 'x' } } as never), 'textDocument/codeAction: params.context.diagnostics must be an array'],
      [client.connection.sendRequest(protocol.benchmark, { dtype: 'int8' as never }), 'attnlens/benchmark: params.dtype must be one of float16, bfloat16, float32, float64'],
      [client.connection.sendRequest(protocol.benchmark, { shapes: [{ batch: 1 }] as never }), 'attnlens/benchmark: params.shapes[0].heads must be a positive integer'],
      [client.connection.sendRequest(protocol.benchmark, { call: { uri: URI } as never }), 'attnlens/benchmark: params.call.index must be a non-negative integer'],
    ];
    for (const [request, message] of cases) assert.deepEqual(await refusal(request), [ErrorCodes.InvalidParams, message]);
  });

  it('logs a notification whose params it cannot read as ignored, naming the field, and goes on', async () => {
    await client.initialize();
    for (const changes of ['all', [{ uri: 7, type: 1 }]]) {
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes } as never);
    }
    await client.connection.sendNotification('workspace/didChangeConfiguration');
    await client.until(() => (client.logs.filter((l) => l.includes('ignored')).length === 3 ? true : undefined), 'three ignored notifications');
    assert.deepEqual(client.logs.filter((l) => l.startsWith('workspace/')), [
      'workspace/didChangeWatchedFiles ignored: params.changes must be an array',
      'workspace/didChangeWatchedFiles ignored: params.changes[0].uri must be a string',
      'workspace/didChangeConfiguration ignored: params must be an object',
    ]);
    assert.equal(await client.connection.sendRequest(HoverRequest.type, HOVER), null);
  });

  it('logs a document sync notification it cannot read as ignored, naming the field, and analyses the documents it can', async () => {
    await client.initialize();
    const sent: [string, unknown][] = [
      ['textDocument/didOpen', { textDocument: { uri: 5, languageId: 'python', version: 1, text: '' } }],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///nowhere/x.py', languageId: 'python', version: 1 } }],
      ['textDocument/didChange', { textDocument: { uri: URI, version: 2 } }],
      ['textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ range: 3, text: 'x' }] }],
      ['textDocument/didClose', {}],
      ['notebookDocument/didOpen', { notebookDocument: 3 }],
      ['notebookDocument/didChange', { notebookDocument: { uri: 'file:///nowhere/n.ipynb', version: 2 }, change: { cells: { textContent: [{ document: { uri: 7 } }] } } }],
      ['notebookDocument/didClose', { notebookDocument: { uri: 'file:///nowhere/n.ipynb' } }],
    ];
    for (const [method, params] of sent) await client.connection.sendNotification(method, params);
    // A document opened after them is analysed: the bad ones never reached the documents.
    await client.open(URI, 'import torch.nn.functional as F\ndef f(q, k, v):\n    return F.scaled_dot_product_attention(q.float(), k.half(), v.half())\n');
    const published = await client.diagnosticsFor(URI, 1);
    assert.ok(published.diagnostics.some((d) => d.code === 'dtype-mismatch'), JSON.stringify(published.diagnostics));
    assert.deepEqual(client.logs.filter((l) => / ignored: | failed/.test(l)), [
      'textDocument/didOpen ignored: params.textDocument.uri must be a string',
      'textDocument/didOpen ignored: params.textDocument.text must be a string',
      'textDocument/didChange ignored: params.contentChanges must be an array',
      'textDocument/didChange ignored: params.contentChanges[0].range must be an object',
      'textDocument/didClose ignored: params.textDocument must be an object',
      'notebookDocument/didOpen ignored: params.notebookDocument must be an object',
      'notebookDocument/didChange ignored: params.change.cells.textContent[0].document.uri must be a string',
      'notebookDocument/didClose ignored: params.cellTextDocuments must be an array',
    ]);
  });

  it('answers requests after shutdown, a second shutdown included, with InvalidRequest', async () => {
    await client.initialize();
    await client.connection.sendRequest(ShutdownRequest.type);
    assert.deepEqual(await refusal(client.connection.sendRequest(HoverRequest.type, HOVER)),
      [-32600, 'textDocument/hover: the server is shut down (send exit)']);
    assert.deepEqual(await refusal(client.connection.sendRequest(ShutdownRequest.type)),
      [ErrorCodes.InvalidRequest, 'shutdown: the server is shut down (send exit)']);
  });
});
