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
      ['dtype-unsupported', 1, range(27, 34, 41), 'attnlens'],
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
      assert.deepEqual(client.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method)?.registerOptions, { watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/*.ipynb' }, { globPattern: '**/pyproject.toml' }] });

      // The sampler now passes the bias too: the fast path is dead on both paths (one diagnostic each, naming both).
      fs.writeFileSync(sampler, fs.readFileSync(sampler, 'utf8').replace('x = layer(x)', 'x = layer(x, net.bias)'));
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(sampler).href, type: FileChangeType.Changed }] });
      const onBoth = (d: { diagnostics: Diagnostic[] } | undefined) => (d?.diagnostics ?? []).map((x) => `${String(x.code)}: ${/on the training and inference paths/.test(String(x.message)) ? 'both paths' : String(x.message)}`).sort();
      await client.until(() => (onBoth(client.latestDiagnostics(uri)).join() === 'dead-fast-path: both paths,mask-disables-flash: both paths' ? true : undefined), 'diagnostics after the change on disk');

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
      'train: efficient (flash off: attn_mask is not None) · infer: flash',
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

describe('attnlens lsp --stdio with [tool.attnlens] in the workspace\'s pyproject.toml', function () {
  this.timeout(30000);
  let client: ReturnType<typeof LspClient.spawn>;
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-pyproject-lsp-')); });
  afterEach(() => { client.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('analyses under the project\'s settings, and again when pyproject.toml changes on disk', async () => {
    const model = path.join(dir, 'model.py'), pyproject = path.join(dir, 'pyproject.toml');
    const uri = pathToFileURL(model).href;
    fs.writeFileSync(model, 'import torch\nfrom flash_attn import flash_attn_func\n\n\ndef attend():\n    q = torch.randn(1, 8, 128, 64, device="cuda")\n    return flash_attn_func(q, q, q)\n');
    fs.writeFileSync(pyproject, '[tool.attnlens]\ndevice = "cpu"\n');
    client = LspClient.spawn();
    client.settings = { measurement: { enabled: false }, device: 'cuda' };
    await client.initialize({ ...EDITOR_CAPABILITIES, workspace: { ...EDITOR_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } }, undefined, pathToFileURL(dir).href);
    await client.open(uri, fs.readFileSync(model, 'utf8'));
    await client.diagnosticsFor(uri, 1);
    const title = async () => {
      const [lens] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))!;
      return (await client.connection.sendRequest(CodeLensResolveRequest.type, lens!)).command!.title;
    };
    assert.equal(await title(), 'train & infer: raises: q must be on CUDA');

    fs.writeFileSync(pyproject, '[tool.attnlens]\ndevice = "cuda"\n');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(pyproject).href, type: FileChangeType.Changed }] });
    await client.poll(title, (t) => t === 'train & infer: raises: FlashAttention only support fp16 and bf16 data type', 'the lens under device = "cuda"');
  });

  it('leaves the workspace files its exclude names out of the callers it reads', async () => {
    for (const f of ['model.py', 'sampler.py']) fs.copyFileSync(path.join(WORKSPACE, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.attnlens]\nexclude = ["sampler.py"]\n');
    const uri = pathToFileURL(path.join(dir, 'model.py')).href;
    client = LspClient.spawn();
    client.settings = { measurement: { enabled: false } };
    await client.initialize(EDITOR_CAPABILITIES, undefined, pathToFileURL(dir).href);
    await client.open(uri, fs.readFileSync(path.join(dir, 'model.py'), 'utf8'));
    // Without sampler.py nothing shows the inference path under autocast: no dtype error (see the test above).
    const codes = (await client.diagnosticsFor(uri, 1)).diagnostics.map((d) => `${String(d.code)} ${d.range.start.line + 1}`);
    assert.deepEqual(codes, ['dead-fast-path 27', 'mask-disables-flash 31']);
  });
});
