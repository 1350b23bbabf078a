/**
 * The incremental API: edits give the same report as a fresh analysis, unchanged statements keep
 * their syntax mirrors, parse errors are listed while the rest is still analysed, fixes apply.
 */
import * as assert from 'node:assert/strict';
import { AnalysisSession, analyzeFiles } from '../../extension/analysis/index';
import type { FileReport } from '../../extension/analysis/report';
import { Workspace } from '../../extension/analysis/session/workspace';
import { applyEdits, fact, readFixture, SETTINGS } from './helpers';

/** Findings as `<call line> <code> <path>`. */
function codes(report: FileReport): string[] {
  return report.calls.flatMap((c) => c.findings.map((f) => `${c.span.line} ${f.code} ${f.mode ?? '-'}`));
}

describe('analysis session', () => {
  const model = readFixture('gated-before/model.py');
  const sampler = readFixture('gated-before/sampler.py');

  it('gives after a series of edits the report a fresh analysis gives', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', model);
      session.update('sampler.py', sampler);
      const edited = model.replace('        k = F.normalize(k, dim=-1)\n', '        k = F.normalize(k, dim=-1)\n        q, k = q.to(v.dtype), k.to(v.dtype)\n');
      session.update('model.py', edited.replace('heads=8', 'heads=4'));
      session.update('model.py', edited);
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: edited }, { path: 'sampler.py', text: sampler }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.deepEqual(codes(fresh), ['29 dead-fast-path train', '32 mask-disables-flash train']);
    } finally {
      session.dispose();
    }
  });

  it('re-analyses a reused function when a caller in another file or a module constant changes', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', model);
      session.update('sampler.py', sampler);
      assert.equal(fact(session.report('model.py').calls[1].modes.infer.facts.mask.kind), 'none');
      session.update('sampler.py', sampler.replace('x = layer(x)', 'x = layer(x, net.bias)'));
      const infer = session.report('model.py').calls[1].modes.infer;
      assert.deepEqual([infer.reached, fact(infer.facts.mask.kind)], [true, 'float']);
      session.update('model.py', model.replace('    flash_attn_func = None', '    flash_attn_func = None\nDEFAULT_HEADS = 8'));
      session.update('model.py', model.replaceAll('heads=8', 'heads=16').replace('    flash_attn_func = None', '    flash_attn_func = None\nDEFAULT_HEADS = 8'));
      const [fresh] = await analyzeFiles([
        { path: 'model.py', text: model.replaceAll('heads=8', 'heads=16').replace('    flash_attn_func = None', '    flash_attn_func = None\nDEFAULT_HEADS = 8') },
        { path: 'sampler.py', text: sampler.replace('x = layer(x)', 'x = layer(x, net.bias)') },
      ], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.equal(fact(fresh.calls[0].modes.train.facts.shape.heads), '16');
    } finally {
      session.dispose();
    }
  });

  it('keeps the blocks\' attributes when the sampler\'s reused effects are all that builds the model', async () => {
    // Before the edit the trainer builds Net (and its Attention blocks) and the sampler reuses that
    // instance; after it only the sampler's cached effects make Net known, and they must bring the
    // blocks Net's construction made, or `self.qkv` and `self.head_dim` read as unknown.
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', model);
      session.update('sampler.py', sampler);
      session.report('model.py');
      const edited = model.replace('def train(net: Net, batches):', 'def train(net: F, batches):');
      session.update('model.py', edited);
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: edited }, { path: 'sampler.py', text: sampler }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      const sdpa = fresh!.calls.find((c) => c.api === 'F.scaled_dot_product_attention')!;
      assert.equal(fact(sdpa.modes.infer.facts.shape.headDim), '64');
    } finally {
      session.dispose();
    }
  });

  it('keeps a file\'s globals across a function body typed into, and re-reads them when a top-level statement changes', async () => {
    const model = [
      'import torch.nn.functional as F', '', 'CAUSAL = True', 'LOCAL = CAUSAL', '',
      'def attend(q, k, v):',
      '    return F.scaled_dot_product_attention(q, k, v, is_causal=LOCAL)', '',
    ].join('\n');
    const typedIn = model.replace('    return F.', '    h = q\n    return F.');
    const changed = typedIn.replace('CAUSAL = True', 'CAUSAL = False');
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', model);
      assert.equal(fact(session.report('model.py').calls[0]!.modes.train.facts.causal), 'true');
      session.update('model.py', typedIn);
      assert.equal(fact(session.report('model.py').calls[0]!.modes.train.facts.causal), 'true');
      session.update('model.py', changed);
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: changed }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.equal(fact(fresh.calls[0]!.modes.train.facts.causal), 'false');
    } finally {
      session.dispose();
    }
  });

  it('rebuilds only the statements an edit touches', async () => {
    const ws = await Workspace.create(SETTINGS);
    try {
      ws.update('model.py', model);
      const before = ws.callSites()[0].node.unit;
      ws.update('model.py', model.replace('def train(net: Net, batches):', 'def train(net: Net, batches, steps=1):'));
      const after = ws.callSites()[0].node.unit;
      assert.equal(after, before, 'the class holding the call keeps its mirror');
      ws.update('model.py', `# header\n${model}`);
      const moved = ws.callSites()[0];
      assert.equal(moved.node.unit, before);
      assert.equal(moved.span.line, 29);
    } finally {
      ws.dispose();
    }
  });

  it('moves a reused statement that shares its line with another (`a = 1; out = F.sdpa(…)`)', async () => {
    const text = (first: string) => `import torch.nn.functional as F\n\ndef step(q, k, v):\n    return q\n\n${first}; out = F.scaled_dot_product_attention(q, k, v)\n`;
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', text('x = 1'));
      session.report('model.py');
      session.update('model.py', text('longer_name = 1'));
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: text('longer_name = 1') }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.deepEqual(fresh.calls.map((c) => `${c.span.line}:${c.span.column}`), ['6:24']);
    } finally {
      session.dispose();
    }
  });

  it('re-builds an instance when the base class\' __init__ it inherits changes', async () => {
    const text = (dropout: string) => [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Base(nn.Module):', `    def __init__(self, dropout=${dropout}):`, '        super().__init__()', '        self.dropout = dropout', '',
      'class Attn(Base):', '    def forward(self, q, k, v):', '        return F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout)', '',
      '@torch.no_grad()', 'def sample(q, k, v):', '    model = Attn()', '    return model(q, k, v)', '',
    ].join('\n');
    const session = await AnalysisSession.create(SETTINGS);
    try {
      session.update('model.py', text('0.1'));
      assert.deepEqual(codes(session.report('model.py')), ['12 dropout-in-eval infer']);
      session.update('model.py', text('0.0'));
      const [fresh] = await analyzeFiles([{ path: 'model.py', text: text('0.0') }], SETTINGS);
      assert.deepEqual(session.report('model.py'), fresh);
      assert.deepEqual(codes(fresh), []);
    } finally {
      session.dispose();
    }
  });

  it('reuses a `getattr` default\'s invocation across edits that set no new attribute name, and re-runs it when one does', async () => {
    const text = (setter: string, other: string) => [
      'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Attention(nn.Module):', '    def forward(self, q, k, v):', "        p = getattr(self, 'attn_dropout', 0.0)",
      '        return F.scaled_dot_product_attention(q, k, v, dropout_p=p)', '',
      'def train(q, k, v):', '    model = Attention()', setter, '    model(q, k, v).sum().backward()', '',
      'def unrelated(x):', `    return ${other}`, '',
    ].join('\n');
    const helper = (line: string) => `def helper(cfg):\n    ${line}\n`;
    const edits: [string, string][] = [
      ['model.py', text('', 'x + 1')], ['helper.py', helper('cfg.steps = 1')],
      ['model.py', text('', 'x.y + 2')], ['helper.py', helper('cfg.steps = 2')], // no new attribute name
      ['helper.py', helper('cfg.attn_dropout = 0.2')], // `cfg` may be the model
      ['model.py', text('    model.attn_dropout = 0.2', 'x.y + 2')], ['helper.py', helper('cfg.steps = 2')],
    ];
    const ws = await Workspace.create(SETTINGS);
    const session = await AnalysisSession.create(SETTINGS);
    try {
      const seen: string[] = [];
      const texts = new Map<string, string>();
      let previous: unknown;
      for (const [path, edited] of edits) {
        texts.set(path, edited);
        ws.update(path, edited);
        session.update(path, edited);
        // A reused invocation replays its observations: the same objects as the run before.
        const train = ws.callSites()[0]!.modes.train;
        seen.push(`${fact(train.facts.dropout)} ${train.observations[0] === previous ? 'reused' : 'new'}`);
        previous = train.observations[0];
        const [fresh] = await analyzeFiles([...texts].map(([p, t]) => ({ path: p, text: t })), SETTINGS);
        assert.deepEqual(session.report('model.py'), fresh);
      }
      // Opening helper.py renews every token (a new file may set any name); once model.py sets the
      // name, what helper.py sets no longer matters.
      assert.deepEqual(seen, ['0 new', '0 new', '0 reused', '0 reused', '? new', '? new', '? reused']);
    } finally {
      ws.dispose();
      session.dispose();
    }
  });

  it('lists parse errors and still reports the calls that parse', async () => {
    const [report] = await analyzeFiles([{ path: 'broken.py', text: readFixture('broken.py') }], SETTINGS);
    assert.deepEqual(report.parseErrors.map((e) => `${e.span.line}:${e.span.column} ${e.message}`), [
      '4:1 syntax error: unexpected `def broken(q, k, v)`',
      '5:49 syntax error: unexpected `v`',
      '8:1 syntax error: unexpected `def fine`',
    ]);
    assert.deepEqual(report.calls.map((c) => `${c.span.line}:${c.span.column} ${c.api}`), ['9:12 F.scaled_dot_product_attention']);
  });

  it('applies the dtype fix: the flash call no longer raises on the inference path', async () => {
    const files = [{ path: 'model.py', text: model }, { path: 'sampler.py', text: sampler }];
    const [report] = await analyzeFiles(files, SETTINGS);
    const flash = report.calls[0];
    const finding = flash.findings.find((f) => f.code === 'dtype-unsupported');
    assert.ok(finding?.fix);
    assert.equal(finding.fix.title, 'Cast q → v.dtype (bfloat16), k → v.dtype (bfloat16)');
    const fixed = applyEdits(model, finding.fix.edits);
    assert.match(fixed, /flash_attn_func\(q\.to\(v\.dtype\), k\.to\(v\.dtype\), v, softmax_scale=1\.0\)/);
    const [after] = await analyzeFiles([{ path: 'model.py', text: fixed }, files[1]], SETTINGS);
    // Reached only if flash_attn is installed, so decided as installed: it now runs.
    assert.deepEqual([after.calls[0].modes.infer.decision.outcome, after.calls[0].modes.infer.decision.backend], ['runs', 'flash_attn.fa2']);
    assert.deepEqual(codes(after), ['28 dead-fast-path train', '31 mask-disables-flash train']);
  });

  it('applies the dropout fix', async () => {
    const [report] = await analyzeFiles([{ path: 'sdpa.py', text: readFixture('sdpa.py') }], SETTINGS);
    const finding = report.calls[0].findings.find((f) => f.code === 'dropout-in-eval');
    assert.ok(finding?.fix);
    const fixed = applyEdits(readFixture('sdpa.py'), finding.fix.edits);
    const [after] = await analyzeFiles([{ path: 'sdpa.py', text: fixed }], SETTINGS);
    assert.equal(after.calls[0].modes.infer.facts.dropout.known && after.calls[0].modes.infer.facts.dropout.value, 0);
    assert.deepEqual(codes(after), ['22 mask-disables-flash infer']);
  });

  it('analyses past expressions nested deeper than the mirror keeps', async () => {
    const deep = `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\ny = ${'f('.repeat(3000)}${')'.repeat(3000)}\n`;
    const text = `import torch.nn.functional as F\n${deep}F.scaled_dot_product_attention(x.half(), x.half(), x.half())\n`;
    const [report] = await analyzeFiles([{ path: 'deep.py', text }], SETTINGS);
    assert.deepEqual(report.calls.map((c) => `${c.span.line} ${c.api}`), ['4 F.scaled_dot_product_attention']);
  });

  it('says which assumptions reach a call and which condition blocks it', async () => {
    const [report] = await analyzeFiles([{ path: 'model.py', text: model }, { path: 'sampler.py', text: sampler }], SETTINGS);
    const [flash, sdpa] = report.calls;
    assert.deepEqual(flash.modes.train.blockedBy, {
      span: { line: 27, column: 12, endLine: 27, endColumn: 21 }, why: '`attn_bias` is a float32 tensor (`zeros` at model.py:39)',
    });
    assert.deepEqual(flash.modes.infer.assumed, ['flash_attn is installed']);
    assert.deepEqual(sdpa.modes.infer.assumed, ['flash_attn is not installed']);
    assert.equal(sdpa.modes.train.assumed, undefined);
  });

  it('reports nothing for a path that is not open', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      assert.deepEqual(session.report('missing.py'), { path: 'missing.py', parseErrors: [], internalErrors: [], calls: [] });
    } finally {
      session.dispose();
    }
  });
});
