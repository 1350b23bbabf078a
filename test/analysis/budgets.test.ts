/**
 * Bounded work (#12): inputs that once overflowed the stack, blew up exponentially or crashed finish
 * with every call found and no internal error, and where a budget hid an answer the annotation says
 * "analysis budget". Fixtures: a module tree that builds copies of itself, an empty `extend`, a
 * 4,000-deep chain of wrapper functions, more hand-written attentions through one helper than it is
 * analysed for as they are, and a 5 MB single-line literal (the last three generated here).
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles } from '../../extension/analysis/index';
import { MAX_CALL_DEPTH, MAX_LITERAL_ITEMS } from '../../extension/analysis/interpreter/budget';
import { MAX_VARIANTS, Variants, widenValue } from '../../extension/analysis/interpreter/widening';
import type { CallArgs } from '../../extension/analysis/values/engine';
import { tensor, valueKey, type Value } from '../../extension/analysis/values/values';
import { known } from '../../runtime/dispatch/facts';
import { annotate, readFixture, SETTINGS, sitesOf, sitesOfSource } from './helpers';

/** `def f0(x): return f1(x)` … down to `f{depth}`, which doubles x; `main` attends over f0's result. */
function wrapperChain(depth: number): string {
  const defs = [`def f${depth}(x):\n    return x * 2\n`];
  for (let i = depth - 1; i >= 0; i--) defs.push(`def f${i}(x):\n    return f${i + 1}(x)\n`);
  return ['import torch', 'import torch.nn.functional as F', '', ...defs,
    'def main():',
    '    q = torch.randn(2, 8, 128, 64, device="cuda", dtype=torch.float16)',
    '    h = f0(q)',
    '    return F.scaled_dot_product_attention(h, h, h)', ''].join('\n');
}

/**
 * `attend` writes `count` hand-written attentions, each with its own head count, and masks each
 * through one helper (timm's `maybe_add_mask`, as an `if`): past MAX_VARIANTS the helper's input is widened.
 */
function maskedScores(count: number): string {
  const lines = ['import torch', '', '',
    'def maybe_add_mask(scores, attn_mask=None):', '    if attn_mask is None:', '        return scores', '    return scores + attn_mask', '', '',
    'def attend(x: torch.Tensor, attn_mask=None):', '    B, N, C = x.shape', '    out = []'];
  for (let heads = 1; heads <= count; heads++) {
    lines.push(`    q, k, v = x.reshape(B, N, 3, ${heads}, -1).permute(2, 0, 3, 1, 4).unbind(0)`,
      '    attn = maybe_add_mask(q @ k.transpose(-2, -1), attn_mask)',
      '    out.append(attn.softmax(dim=-1) @ v)');
  }
  return [...lines, '    return out', ''].join('\n');
}

function argsOf(...values: Value[]): CallArgs {
  return { positional: values.map((value) => ({ node: undefined as never, value })), keywords: new Map() };
}

function keyOf(args: CallArgs): string {
  return valueKey(args.positional.map((a) => a.value));
}

describe('analysis budgets', () => {
  it('a module tree built from copies of itself (40 levels) finishes with both calls and no internal error', async () => {
    const reports = await analyzeFiles([{ path: 'tree.py', text: readFixture('budgets/tree.py') }], SETTINGS);
    assert.deepEqual(reports[0]!.internalErrors, []);
    assert.deepEqual(reports[0]!.calls.map((c) => `${c.span.line} ${c.function}`), ['15 Attention.forward', '42 Net.forward']);
    assert.equal(reports[0]!.calls[1]!.modes.train.reached, true);
  });

  it('`layers.extend([])` then `extend(extra)`: the call is found (an empty extend once crashed the run)', async () => {
    const lines = annotate(await sitesOf(['budgets/containers.py']));
    assert.equal(lines[0], 'budgets/containers.py:14:16 sdpa Stack.forward');
  });

  it(`a 4,000-deep chain of wrappers: the result past ${MAX_CALL_DEPTH} nested calls is unknown, and the annotation says it is the budget`, async () => {
    const lines = annotate(await sitesOfSource(wrapperChain(4000)));
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^snippet\.py:\d+:12 sdpa main$/);
    assert.equal(lines[1], `  train reached=null ?,?,? mask=none causal=false p=0 layout=? H=? D=? → flash? (depends on the result of f${MAX_CALL_DEPTH - 1} (analysis budget: calls nested deeper than ${MAX_CALL_DEPTH}))`);
  });

  it('the same chain within the budget is followed to the end: the doubled fp16 tensor reaches the call', async () => {
    const lines = annotate(await sitesOfSource(wrapperChain(10)));
    assert.match(lines[1]!, /^ {2}train reached=null fp16,fp16,fp16 mask=none causal=false p=0 layout=\S+ H=8 D=64 → /);
  });

  it(`${MAX_VARIANTS + 3} hand-written attentions masked through one helper: each is found, those past the budget too`, async () => {
    const sites = await sitesOfSource(maskedScores(MAX_VARIANTS + 3));
    // A widened input kept no hand-written attention: the helper handed back plain tensors, and the last three went unseen.
    assert.equal(sites.length, MAX_VARIANTS + 3);
    assert.ok(sites.every((s) => s.modes.train.reached === null));
  });

  it('a 5 MB single-line literal is not read item by item, and the attention call after it is found', async () => {
    const items = Array.from({ length: 700_000 }, (_, i) => String(i)).join(', ');
    const text = `TABLE = [${items}]\nimport torch.nn.functional as F\n\ndef attend(q, k, v):\n    return F.scaled_dot_product_attention(q, k, v)\n`;
    assert.ok(text.length > 5_000_000);
    const reports = await analyzeFiles([{ path: 'big.py', text }], SETTINGS);
    assert.deepEqual(reports[0]!.internalErrors, []);
    assert.deepEqual(reports[0]!.calls.map((c) => `${c.span.line} ${c.function}`), ['5 attend']);
    assert.ok(MAX_LITERAL_ITEMS < 700_000);
  });
});

describe('parse errors of a file that is not Python', () => {
  it('lists the first 20 and says how many more, where a binary file would give hundreds', async () => {
    // Bytes of no language (a fixed generator: the same text every run).
    let seed = 7;
    const text = Array.from({ length: 3000 }, () => String.fromCharCode((seed = (seed * 48271) % 2147483647) % 256)).join('');
    const [report] = await analyzeFiles([{ path: 'blob.py', text }], SETTINGS);
    const errors = report!.parseErrors;
    assert.equal(errors.length, 21);
    assert.match(errors[20]!.message, /^\d+ more syntax errors from here on, not listed: is this Python source\?$/);
    assert.ok(Number(errors[20]!.message.split(' ')[0]) > 0);
  });
});

describe('widening past MAX_VARIANTS inputs', () => {
  const dim = (value: number) => ({ value, role: null, source: 'fixture' });
  const fp16 = (l: number): Value => tensor(known('float16', 'fixture'), 'fixture', { shape: [dim(2), dim(8), dim(l), dim(64)] });

  it('analyses the first inputs as they are, then one widened input that keeps what all callers agree on', () => {
    const variants = new Variants();
    for (let i = 0; i < MAX_VARIANTS; i++) {
      const { widened } = variants.argsFor('f', `k${i}`, argsOf(fp16(i + 1)), '`f`', keyOf);
      assert.equal(widened, false);
    }
    assert.equal(variants.argsFor('f', 'k0', argsOf(fp16(1)), '`f`', keyOf).widened, false, 'an input seen already is analysed as it is');
    const { args, widened } = variants.argsFor('f', 'k-new', argsOf(fp16(99)), '`f`', keyOf);
    assert.equal(widened, true);
    const value = args.positional[0]!.value;
    assert.ok(value.t === 'tensor');
    assert.deepEqual(value.dtype, known('float16', 'fixture'));
    assert.deepEqual(value.shape!.map((d) => d.value), [2, 8, null, 64], 'the length differs between callers: unknown; the rest is kept');
    assert.match(value.shape![2]!.source, /more than 8 different inputs: analysis budget/);
  });

  it('past the first inputs, sizes are widened and strings kept, for MAX_VARIANTS inputs more; then every argument', () => {
    const variants = new Variants();
    const num = (value: number): Value => ({ t: 'num', value, source: 'fixture', int: true });
    const ffn = (size: number, activation: string) => argsOf(num(size), { t: 'str', value: activation });
    for (let i = 0; i < MAX_VARIANTS; i++) variants.argsFor('FeedForward', `k${i}`, ffn(i + 1, 'geglu'), '`FeedForward`', keyOf);
    const gelu = variants.argsFor('FeedForward', 'gelu', ffn(99, 'gelu'), '`FeedForward`', keyOf);
    assert.equal(gelu.widened, true);
    assert.deepEqual(gelu.args.positional.map((a) => a.value.t), ['unknown', 'str'], 'the size differs from the first input: unknown; the activation chosen is kept');
    assert.deepEqual(gelu.args.positional[1]!.value, { t: 'str', value: 'gelu' });
    for (let i = 1; i < MAX_VARIANTS; i++) variants.argsFor('FeedForward', `a${i}`, ffn(99, `act${i}`), '`FeedForward`', keyOf);
    assert.deepEqual(variants.argsFor('FeedForward', 'again', ffn(7, 'gelu'), '`FeedForward`', keyOf).args.positional[1]!.value, { t: 'str', value: 'gelu' }, 'an input widened alike before is analysed alike');
    const last = variants.argsFor('FeedForward', 'last', ffn(99, 'swiglu'), '`FeedForward`', keyOf);
    assert.deepEqual(last.args.positional.map((a) => a.value.t), ['unknown', 'unknown'], 'past those, the activation differing from the first input is unknown too');
  });

  it('two values of different kinds widen to an unknown that says why, and the same value stays', () => {
    const a: Value = { t: 'num', value: 1, source: 'fixture', int: true };
    assert.equal(widenValue(a, a, 'why'), a);
    const w = widenValue(a, { t: 'str', value: 'x' }, 'the first argument of `f` (analysis budget)');
    assert.deepEqual(w, { t: 'unknown', why: 'the first argument of `f` (analysis budget)' });
  });
});
