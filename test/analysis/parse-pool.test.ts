/**
 * Large files parsed in pieces on worker threads (`parse-pool.ts`) give exactly the reports of
 * parsing them whole: on every fixture group and on generated model code, with pieces forced small;
 * a cut that lands inside a string makes a piece fail to parse, and the file is parsed whole; a
 * worker that dies answers null (its file is then parsed on the main thread).
 */
import * as assert from 'node:assert/strict';
import { analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import * as path from 'node:path';
import { cutPoints, parseInPieces, ParsePool, type PoolOptions } from '../../extension/analysis/syntax/parse-pool';
import { generateModelCode } from '../../scripts/bench/model-code';
import { readFixture, SETTINGS } from './helpers';

const WHOLE: PoolOptions = { minTotalChars: Infinity, pieceChars: Infinity };
const pieces = (pieceChars: number): PoolOptions => ({ minTotalChars: 0, pieceChars });

const GROUPS: readonly (readonly string[])[] = [
  ['gated-before/model.py', 'gated-before/sampler.py'], ['gated-after/model.py'], ['nanogpt.py', 'manual.py', 'mha.py'],
  ['xformers_bias.py', 'rotary.py', 'shapes.py', 'layout.py'], ['sdpa-switches/model.py', 'sdpa-switches/train.py', 'sdpa-switches/legacy.py'],
  ['wrapped-trainer/blocks.py', 'wrapped-trainer/loop.py'], ['package/train.py', 'package/nets/__init__.py', 'package/nets/modulated.py'],
  ['forwarding.py', 'sequential.py', 'loops.py', 'wrappers.py', 'einops_style.py'], ['broken.py'],
];

async function samePieceByPiece(files: SourceFile[], pieceChars: number): Promise<void> {
  const whole = await analyzeFiles(files, SETTINGS, WHOLE);
  const inPieces = await analyzeFiles(files, SETTINGS, pieces(pieceChars));
  assert.deepEqual(inPieces, whole, files.map((f) => f.path).join(' + '));
}

describe('parsing in pieces on worker threads', () => {
  it('cuts only before top-level class, def and decorator lines, never between a decorator and its definition', () => {
    const text = 'import torch\n\n@torch.no_grad()\n@staticmethod\ndef f():\n    class Inner:\n        pass\n\nclass A:\n    pass\nx = 1\nasync def g():\n    pass\n';
    const cuts = cutPoints(text, 1);
    assert.deepEqual(cuts.map((at) => text.slice(at).split('\n')[0]), ['@torch.no_grad()', 'class A:', 'async def g():']);
  });

  it('gives the reports of a whole parse on every fixture group', async () => {
    for (const names of GROUPS) await samePieceByPiece(names.map((path) => ({ path, text: readFixture(path) })), 200);
  });

  it('gives the reports of a whole parse on generated model code', async () => {
    const text = generateModelCode(3000);
    await samePieceByPiece([{ path: 'model.py', text }], 4096);
    const [report] = await analyzeFiles([{ path: 'model.py', text }], SETTINGS, pieces(4096));
    assert.ok(report!.calls.length > 100);
  });

  it('parses the file whole when a cut lands inside a string', async () => {
    const text = `import torch.nn.functional as F\nDOC = """\n${'# filler\n'.repeat(30)}class Phantom:\n    def forward(self, q, k, v):\n        return F.scaled_dot_product_attention(q, k, v)\n"""\n\n\ndef real(q, k, v):\n    return F.scaled_dot_product_attention(q, k, v)\n`;
    const [split] = parseInPieces([text], pieces(100));
    const parsed = await Promise.all(split!.map((piece) => piece.words));
    assert.ok(parsed.length > 1 && parsed.includes(null), 'a piece cut inside the string has a syntax error');
    await samePieceByPiece([{ path: 'doc.py', text }], 100);
    const [report] = await analyzeFiles([{ path: 'doc.py', text }], SETTINGS, pieces(100));
    assert.deepEqual(report!.calls.map((c) => c.span.line), [text.split('\n').findIndex((l) => l.includes('def real')) + 2]);
  });

  it('answers null for the pieces of a worker that dies, and starts another for the next piece', async () => {
    const pool = new ParsePool(path.join(__dirname, 'failing-parse-worker.js'));
    assert.deepEqual(await Promise.all([pool.parse('x = 1\n'), pool.parse('y = 2\n'), pool.parse('z = 3\n')]), [null, null, null]);
    assert.equal(await pool.parse('w = 4\n'), null);
  });

  it('keeps small inputs on the main thread', async () => {
    assert.deepEqual(parseInPieces(['x = 1\n', 'def f():\n    pass\n'], { minTotalChars: 100, pieceChars: 1 }), [null, null]);
  });
});
