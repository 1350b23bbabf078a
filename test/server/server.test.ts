import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CodeActionRequest, CodeLensRequest, CodeLensResolveRequest, DidChangeConfigurationNotification, HoverRequest, InlayHintRequest,
} from 'vscode-languageserver-protocol';
import type { AnalysisSettings } from '../../extension/analysis/report';
import type { IncrementalAnalysis } from '../../extension/server/session';
import * as protocol from '../../extension/protocol';
import { unavailableRuntime, type RuntimeGateway } from '../../extension/server/runtime-gateway';
import { LspClient } from './lsp-client';
import { FLASH_CALL, SDPA_CALL, report } from './reports';

const URI = 'file:///w/model.py';
const SOURCE_BOTH = 'F.scaled_dot_product_attention(...)\nflash_attn_func(...)\n';
const SOURCE_SDPA = 'F.scaled_dot_product_attention(...)\n';
const ROW: protocol.BenchmarkRow = {
  kernel: 'fused', provider: 'wasm', adapter: 'WASM 2 threads', dtype: 'float16',
  shape: { batch: 1, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 256, headDim: 64 },
  status: 'ok', medianMs: 3.61, spreadMs: 0.2, relError: 2e-4,
};

/** Stands in for the analysis: a file's report holds the hand-built calls whose API its text names. */
async function createAnalysis(settings: AnalysisSettings): Promise<IncrementalAnalysis> {
  const texts = new Map<string, string>();
  return {
    settings,
    update: (path, text) => { texts.set(path, text); },
    openAll: async (files) => { for (const f of files) texts.set(f.path, f.text); },
    close: (path) => { texts.delete(path); },
    report: (path) => report(path, [SDPA_CALL, FLASH_CALL].filter((c) => (texts.get(path) ?? '').includes(c.api.replace('F.', '')))),
    dispose: () => texts.clear(),
  };
}

/** Stands in for the runtime worker: fixed rows, one progress step per shape. */
function fakeRuntime(overrides: Partial<RuntimeGateway> = {}): RuntimeGateway {
  return {
    status: () => ({ runtime: 'ready', text: 'WASM (no WebGPU adapter)' }),
    onStatus: () => undefined,
    report: async () => ({ providers: [{ name: 'wasm', available: true, detail: '2 threads' }], kernels: [] }),
    benchmark: async (job, progress) => job.shapes.map((shape, i) => { progress(i + 1, job.shapes.length, `L${shape.seqQ}`); return { ...ROW, shape }; }),
    measure: async () => ROW,
    dispose: () => undefined,
    ...overrides,
  };
}

describe('language server over JSON-RPC (in process, hand-built reports)', function () {
  let client: LspClient;
  afterEach(() => client.close());

  async function started(runtime: RuntimeGateway = fakeRuntime()): Promise<void> {
    client = LspClient.inProcess({ createAnalysis, runtime });
    await client.initialize();
    await client.open(URI, SOURCE_BOTH);
    await client.diagnosticsFor(URI, 1);
  }

  it('answers initialize with its capabilities and reports the runtime status', async () => {
    client = LspClient.inProcess({ createAnalysis, runtime: fakeRuntime() });
    const result = await client.initialize();
    assert.deepEqual(result.capabilities, {
      textDocumentSync: 2, notebookDocumentSync: { notebookSelector: [{ notebook: 'jupyter-notebook' }] },
      hoverProvider: true, codeLensProvider: { resolveProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix'] }, inlayHintProvider: true,
    });
    assert.equal(result.serverInfo?.name, 'attnlens');
    assert.deepEqual(await client.until(() => client.statuses[0], 'status'), { runtime: 'ready', text: 'WASM (no WebGPU adapter)' });
  });

  it('forwards runtime status changes to the editor', async () => {
    let notify: ((s: protocol.ServerStatus) => void) | null = null;
    client = LspClient.inProcess({ createAnalysis, runtime: fakeRuntime({ onStatus: (listener) => { notify = listener; } }) });
    await client.initialize();
    await client.until(() => (notify === null ? undefined : notify), 'a status subscription')
      .then((n) => n({ runtime: 'starting', text: 'worker crashed: restarting' }));
    await client.until(() => client.statuses[1], 'the second status');
    assert.deepEqual(client.statuses, [{ runtime: 'ready', text: 'WASM (no WebGPU adapter)' }, { runtime: 'starting', text: 'worker crashed: restarting' }]);
  });

  it('publishes diagnostics for an opened file and updates them on edit', async () => {
    await started();
    const first = await client.diagnosticsFor(URI, 1);
    assert.deepEqual(first.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.source]), [
      ['mask-disables-flash', 3, 19, 54, 'attnlens'],
      ['dtype-unsupported', 1, 29, 24, 'attnlens'],
    ]);
    await client.replace(URI, SOURCE_SDPA, 2);
    const second = await client.diagnosticsFor(URI, 2);
    assert.deepEqual(second.diagnostics.map((d) => d.code), ['mask-disables-flash']);
    assert.equal((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))?.length, 1);
  });

  it('republishes only documents whose diagnostics or version changed: an edit of one of two open files sends that file\'s', async () => {
    await started();
    const other = 'file:///w/other.py';
    await client.open(other, SOURCE_SDPA);
    await client.diagnosticsFor(other, 1);
    const before = client.publishedFor(URI).length;
    await client.replace(other, SOURCE_BOTH, 2);
    await client.diagnosticsFor(other, 2);
    await client.replace(other, SOURCE_SDPA, 3);
    await client.diagnosticsFor(other, 3);
    assert.equal(client.publishedFor(URI).length, before, 'model.py, unchanged, is not sent again');
    assert.deepEqual(client.publishedFor(other).map((d) => d.version), [1, 2, 3]);
  });

  it('lists code lenses and resolves them with the measured latency once measured', async () => {
    await started();
    const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
    assert.deepEqual(lenses.map((l) => l.range.start.line), [19, 29]);
    const resolveAll = () => Promise.all(lenses.map((l) => client.connection.sendRequest(CodeLensResolveRequest.type, l)));
    const resolved = await client.poll(resolveAll, (ls) => ls.every((l) => !l.command!.title.endsWith('measuring…')), 'measured lenses');
    assert.ok(client.codeLensRefreshes >= 2, 'the server asks the editor to refresh lenses as measurements land');
    assert.deepEqual(resolved.map((l) => l.command), [
      { title: 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash · 3.6 ms WASM', command: 'attnlens.benchmarkCall', arguments: [URI, 0] },
      { title: 'infer: raises: FlashAttention only support fp16 and bf16 data type · 3.6 ms WASM', command: 'attnlens.benchmarkCall', arguments: [URI, 1] },
    ]);
  });

  it('hovers over a call with the whole decision and nothing elsewhere', async () => {
    await started();
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 19, character: 20 } });
    const value = (hover!.contents as { value: string }).value;
    assert.ok(value.startsWith('**`F.scaled_dot_product_attention`** in `SelfAttention.forward`\n\n**train** (reached) · policy `sdpa-cuda` · runs `sdpa.efficient`'));
    assert.deepEqual(hover!.range, { start: { line: 19, character: 12 }, end: { line: 19, character: 70 } });
    assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 3, character: 0 } }), null);
  });

  it('hovers over a call of a choice between two library functions with a section for each', async () => {
    const choice = { ...FLASH_CALL, span: SDPA_CALL.span, api: 'attn (flash_attn_func)', diagnostics: [] };
    client = LspClient.inProcess({
      createAnalysis: async (settings) => ({ ...await createAnalysis(settings), report: (path) => report(path, [{ ...SDPA_CALL, api: 'attn (scaled_dot_product_attention)' }, choice]) }),
      runtime: fakeRuntime(),
    });
    await client.initialize();
    await client.open(URI, SOURCE_BOTH);
    await client.diagnosticsFor(URI, 1);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 19, character: 20 } });
    const sections = (hover!.contents as { value: string }).value.split('\n\n---\n\n');
    assert.deepEqual(sections.map((s) => s.split('\n')[0]), [
      '**`attn (scaled_dot_product_attention)`** in `SelfAttention.forward`',
      '**`attn (flash_attn_func)`** in `SelfAttention.decode`',
    ]);
    assert.deepEqual(hover!.range, { start: { line: 19, character: 12 }, end: { line: 19, character: 70 } });
  });

  it('offers the quick fix at a diagnostic', async () => {
    await started();
    const diagnostic = (await client.diagnosticsFor(URI, 1)).diagnostics[1]!;
    const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    assert.deepEqual(actions, [{
      title: 'Cast q, k, v to float16', kind: 'quickfix', diagnostics: [diagnostic], isPreferred: true,
      edit: { changes: { [URI]: [{ range: { start: { line: 29, character: 24 }, end: { line: 29, character: 31 } }, newText: 'q.half(), k.half(), v.half()' }] } },
    }]);
  });

  it('follows settings: inlay hints when enabled, nothing when annotations are off', async () => {
    await started();
    const range = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
    assert.deepEqual(await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: URI }, range }), []);
    client.settings = { inlayHints: { enabled: true } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const hints = await client.poll(() => client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: URI }, range }), (h) => (h ?? []).length > 0, 'inlay hints');
    assert.deepEqual(hints!.map((h) => h.label), [' q, k, v: float16, float16, float16', ': float32', ': float32', ': float32']);

    client.settings = { annotations: { enabled: false } };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.until(() => (client.latestDiagnostics(URI)?.diagnostics.length === 0 ? true : undefined), 'cleared diagnostics');
    assert.deepEqual(await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }), []);
  });

  it('runs a benchmark with work-done progress and answers the rows', async () => {
    await started();
    const result = await client.connection.sendRequest(protocol.benchmark, { workDoneToken: 'bench-1', shapes: [ROW.shape, { ...ROW.shape, seqQ: 512, seqKv: 512 }], dtype: 'float32' });
    assert.deepEqual(result.rows.map((r) => [r.shape.seqQ, r.medianMs]), [[256, 3.61], [512, 3.61]]);
    assert.equal(result.call, undefined, 'shapes name no call');
    assert.deepEqual(client.progress, [
      { token: 'bench-1', value: { kind: 'begin', title: 'Benchmarking attention kernels', cancellable: true, message: '2 shape(s)', percentage: 0 } },
      { token: 'bench-1', value: { kind: 'report', message: 'L256', percentage: 50 } },
      { token: 'bench-1', value: { kind: 'report', message: 'L512', percentage: 100 } },
      { token: 'bench-1', value: { kind: 'end' } },
    ]);
    const call = await client.connection.sendRequest(protocol.benchmark, { call: { uri: URI, index: 1 } });
    assert.deepEqual(call.rows.map((r) => r.shape), [{ batch: 1, heads: 8, kvHeads: 8, seqQ: 256, seqKv: 256, headDim: 64 }]);
    assert.deepEqual(call.call, { api: 'flash_attn_func', function: 'SelfAttention.decode', line: 30 }, 'the panel\'s title names the call');
    const atCursor = await client.connection.sendRequest(protocol.benchmark, { call: { uri: URI, position: { line: 19, character: 20 } } });
    assert.deepEqual(atCursor.rows.map((r) => [r.shape.seqQ, r.dtype]), [[256, 'float16']]);
    assert.deepEqual(atCursor.call, { api: 'F.scaled_dot_product_attention', function: 'SelfAttention.forward', line: 20 });
    await assert.rejects(client.connection.sendRequest(protocol.benchmark, { call: { uri: URI, index: 7 } }), { code: -32801, message: `no attention call #7 in ${URI}` });
  });

  it('benchmarks with the call\'s mask unless the request names one; shapes and the sweep run without', async () => {
    const masks: string[] = [];
    await started(fakeRuntime({ benchmark: async (job) => { masks.push(job.mask); return []; } }));
    await client.connection.sendRequest(protocol.benchmark, {});
    await client.connection.sendRequest(protocol.benchmark, { shapes: [ROW.shape], mask: 'float' });
    await client.connection.sendRequest(protocol.benchmark, { call: { uri: URI, index: 0 } });
    await client.connection.sendRequest(protocol.benchmark, { call: { uri: URI, index: 0 }, mask: 'causal' });
    assert.deepEqual(masks, ['none', 'float', 'none', 'causal']);
  });

  it('keeps measured latencies in the storage folder: a new session shows them without measuring', async () => {
    const storagePath = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlens-store-'));
    const lensTitles = async (): Promise<string[]> => {
      const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
      const resolved = await Promise.all(lenses.map((l) => client.connection.sendRequest(CodeLensResolveRequest.type, l)));
      return resolved.map((l) => l.command!.title.split(' · ').at(-1)!);
    };
    const session = async (runtime: RuntimeGateway): Promise<void> => {
      client = LspClient.inProcess({ createAnalysis, runtime });
      await client.initialize(undefined, { storagePath });
      await client.open(URI, SOURCE_BOTH);
      await client.diagnosticsFor(URI, 1);
    };
    try {
      await session(fakeRuntime());
      await client.poll(lensTitles, (t) => t.every((x) => x === '3.6 ms WASM'), 'measured lenses');
      client.close();

      await session(fakeRuntime({ measure: async () => { throw new Error('measured again'); } }));
      assert.deepEqual(await lensTitles(), ['3.6 ms WASM', '3.6 ms WASM']);
      assert.deepEqual(await client.connection.sendRequest(protocol.clearMeasurementCache), { removed: 2 });
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(storagePath, 'measurements.json'), 'utf8')), { version: 1, entries: {} });
    } finally {
      fs.rmSync(storagePath, { recursive: true, force: true });
    }
  });

  it('answers a failing handler with an error, logs it, and keeps serving', async () => {
    await started(fakeRuntime({ report: async () => { throw new Error('worker crashed'); } }));
    await assert.rejects(client.connection.sendRequest(protocol.runtimeReport), { code: -32603, message: 'worker crashed' });
    assert.ok(client.logs.some((l) => l.startsWith('attnlens/runtimeReport failed: Error: worker crashed')));
    await assert.rejects(client.connection.sendRequest('attnlens/nonsense', {}), { code: -32601 });
    assert.equal((await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))?.length, 2);
  });

  it('without a runtime: annotations stay, latency says why, commands fail with a clear error', async () => {
    await started(unavailableRuntime('no worker in this build'));
    await assert.rejects(client.connection.sendRequest(protocol.benchmark, {}), { code: -32803, message: 'runtime not available: no worker in this build' });
    await assert.rejects(client.connection.sendRequest(protocol.runtimeReport), { code: -32803, message: 'runtime not available: no worker in this build' });
    const [lens] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } }))!;
    const resolved = await client.poll(() => client.connection.sendRequest(CodeLensResolveRequest.type, lens!), (l) => !l.command!.title.endsWith('measuring…'), 'latency');
    assert.equal(resolved.command!.title, 'train: efficient (flash off: Flash Attention does not support non-null attn_mask) · infer: flash · unavailable: runtime not available: no worker in this build');
    assert.deepEqual(client.statuses, [{ runtime: 'unavailable', text: 'runtime not available: no worker in this build' }]);

  });
});
