import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol';
import * as protocol from '../../extension/protocol';
import { LspClient } from './lsp-client';

describe('attnlens lsp --stdio (child process)', function () {
  this.timeout(30000);
  let client: ReturnType<typeof LspClient.spawn>;
  afterEach(() => client.close());

  it('initializes, answers runtime requests with a clear error, and exits 0 after shutdown', async () => {
    client = LspClient.spawn();
    const result = await client.initialize();
    assert.deepEqual(result.serverInfo, { name: 'attnlens', version: require('../../../package.json').version });
    await assert.rejects(client.connection.sendRequest(protocol.runtimeReport), (err: { code: number; message: string }) =>
      err.code === -32803 && err.message.startsWith('runtime not available: '));
    await client.connection.sendRequest(ShutdownRequest.type);
    const exited = once(client.child, 'exit');
    await client.connection.sendNotification(ExitNotification.type);
    assert.deepEqual(await exited, [0, null]);
  });
});
