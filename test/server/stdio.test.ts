import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest, CodeLensRequest, CodeLensResolveRequest, DidChangeWatchedFilesNotification, ExitNotification, FileChangeType, HoverRequest, ShutdownRequest,
  type CodeAction, type Diagnostic, type MarkupContent,
} from 'vscode-languageserver-protocol';
import * as protocol from '../../extension/protocol';
import { EDITOR_CAPABILITIES, LspClient } from './lsp-client';

/** The motivating case: model.py's fast path, called with a bias in training and without in sampler.py. */
const WORKSPACE = path.resolve(__dirname, '../../../test/fixtures/python/gated-before');
const MODEL = path.join(WORKSPACE, 'model.py');
const URI = pathToFileURL(MODEL).href;

const range = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });

describe('attnlens lsp --stdio (child process, real analysis)', function () {
  this.timeout(30000);
  let client: ReturnType<typeof LspClient.spawn>;
  afterEach(() => client.close());

  /** Measurement off unless asked for: the lens titles are then exact. */
  async function opened(settings: object = { measurement: { enabled: false } }): Promise<Diagnostic[]> {
    client = LspClient.spawn();
    client.settings = settings;
    await client.initialize(EDITOR_CAPABILITIES, undefined, pathToFileURL(WORKSPACE).href);
    await client.open(URI, fs.readFileSync(MODEL, 'utf8'));
    return (await client.diagnosticsFor(URI, 1)).diagnostics;
  }

  it('publishes the findings of the motivating case, with callers read from the workspace', async () => {
    const diagnostics = await opened();
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range, d.source]), [
      ['dead-fast-path', 2, range(26, 11, 20), 'attnlens'],
      ['dtype-unsupported', 1, range(27, 34, 35), 'attnlens'],
      ['mask-disables-flash', 3, range(30, 68, 77), 'attnlens'],
    ]);
    const message = diagnostics[1]!.message;
    assert.ok(typeof message === 'string');
    assert.match(message, /^flash_attn_func: "FlashAttention only support fp16 and bf16 data type" — `q` is float32 \(`normalize` at model\.py:25 runs in float32 under autocast \(autocast region at sampler\.py:8\)\)/);
  });

  it('reads a caller again when the editor reports it changed or deleted on disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-watch-'));
    try {
      for (const f of ['model.py', 'sampler.py']) fs.copyFileSync(path.join(WORKSPACE, f), path.join(dir, f));
      const [model, sampler] = [path.join(dir, 'model.py'), path.join(dir, 'sampler.py')];
      const uri = pathToFileURL(model).href;
      client = LspClient.spawn();
      client.settings = { measurement: { enabled: false } };
      await client.initialize({ ...EDITOR_CAPABILITIES, workspace: { ...EDITOR_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } }, undefined, pathToFileURL(dir).href);
      await client.open(uri, fs.readFileSync(model, 'utf8'));
      const codes = (d: { diagnostics: Diagnostic[] } | undefined): string[] => (d?.diagnostics ?? []).map((x) => `${String(x.code)} ${x.range.start.line + 1}`).sort();
      assert.deepEqual(codes(await client.diagnosticsFor(uri, 1)), ['dead-fast-path 27', 'dtype-unsupported 28', 'mask-disables-flash 31']);
      assert.deepEqual(client.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method)?.registerOptions, { watchers: [{ globPattern: '**/*.py' }] });

      // The sampler now passes the bias too: the fast path is dead on both paths.
      fs.writeFileSync(sampler, fs.readFileSync(sampler, 'utf8').replace('x = layer(x)', 'x = layer(x, net.bias)'));
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(sampler).href, type: FileChangeType.Changed }] });
      const bothDead = ['dead-fast-path 27', 'dead-fast-path 27', 'mask-disables-flash 31', 'mask-disables-flash 31'];
      await client.until(() => (codes(client.latestDiagnostics(uri)).join() === bothDead.join() ? true : undefined), 'diagnostics after the change on disk');

      // Without a sampler nothing shows the inference path: it is analysed on assumption.
      fs.rmSync(sampler);
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(sampler).href, type: FileChangeType.Deleted }] });
      await client.until(() => (codes(client.latestDiagnostics(uri)).join() === 'dead-fast-path 27,mask-disables-flash 31' ? true : undefined), 'diagnostics after the deletion');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolves a code lens per call and hovers with the decision', async () => {
    await opened();
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
    const titles = await Promise.all(lenses.map(async (l) => (await client.connection.sendRequest(CodeLensResolveRequest.type, l)).command!.title));
    assert.deepEqual(titles, [
      'infer: raises: FlashAttention only support fp16 and bf16 data type',
      'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash',
    ]);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 27, character: 25 } });
    const lines = (hover!.contents as MarkupContent).value.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      '**`flash_attn_func`** in `Attention.forward`',
      '',
      '**train** (not reached: `attn_bias` is a float32 tensor (`zeros` at model.py:39)) · policy `flash-attn` · raises: FlashAttention only support fp16 and bf16 data type',
      '- ✗ `flash_attn.fa2`: FlashAttention only support fp16 and bf16 data type',
    ]);
    assert.ok(lines.includes('| autocast | bfloat16 (autocast region at model.py:49) | bfloat16 (autocast region at sampler.py:8) |'));
  });

  it('offers the cast as a quick fix; applying it as an edit clears the dtype error', async () => {
    const diagnostics = await opened();
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: diagnostics[1]!.range, context: { diagnostics: [diagnostics[1]!] } }))!;
    const [action, ...others] = actions as CodeAction[];
    assert.deepEqual([action!.title, action!.kind, action!.isPreferred, others], ['Cast q → v.dtype (bfloat16), k → v.dtype (bfloat16)', 'quickfix', true, []]);
    const edits = action!.edit!.changes![URI]!;
    assert.deepEqual(edits, [{ range: range(27, 35, 35), newText: '.to(v.dtype)' }, { range: range(27, 38, 38), newText: '.to(v.dtype)' }]);

    const fixed = TextDocument.applyEdits(TextDocument.create(URI, 'python', 1, fs.readFileSync(MODEL, 'utf8')), edits);
    await client.replace(URI, fixed, 2);
    const after = (await client.diagnosticsFor(URI, 2)).diagnostics;
    assert.deepEqual(after.map((d) => d.code), ['dead-fast-path', 'mask-disables-flash']);
  });

  it('measures each call in the runtime worker, answers the runtime report, and exits 0 after shutdown', async () => {
    await opened({ providers: ['wasm'] });
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
    const resolveAll = () => Promise.all(lenses.map(async (l) => (await client.connection.sendRequest(CodeLensResolveRequest.type, l)).command!.title));
    const titles = await client.poll(resolveAll, (ts) => ts.every((t) => !t.endsWith('measuring…')), 'measured lenses', 60000);
    for (const title of titles) assert.match(title, / · \d+(\.\d+)? ms WASM$/);
    const report = await client.connection.sendRequest(protocol.runtimeReport);
    assert.deepEqual(report.providers, [{ name: 'wasm', available: true, detail: 'WASM (CPU)' }]);
    const status = client.statuses.at(-1)!;
    assert.equal(status.runtime, 'ready');
    // Which one depends on the machine (a GPU, or SwiftShader behind VK_ICD_FILENAMES).
    assert.match(status.text, /^(WASM \(no WebGPU adapter\)|WebGPU · .+)$/);
    await client.connection.sendRequest(ShutdownRequest.type);
    const exited = once(client.child, 'exit');
    await client.connection.sendNotification(ExitNotification.type);
    assert.deepEqual(await exited, [0, null]);
  });
});
