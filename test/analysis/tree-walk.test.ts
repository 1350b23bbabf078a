/**
 * The fast cursor (`tree-walk.ts`, which calls the WASM binding directly) reads exactly what
 * web-tree-sitter's public `TreeCursor` reads: every node's type, field, offsets and missing flag,
 * and each top-level statement's position and error flag. Inputs: every fixture, seeded cuts of them
 * (error recovery), token soups, and text with characters outside ASCII and the BMP (offsets are
 * UTF-16 code units).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Parser, Tree, TreeCursor } from 'web-tree-sitter';
import { pythonParser, walkTree } from '../../extension/analysis/syntax/parser';
import type { TreeWalk } from '../../extension/analysis/syntax/tree-walk';
import { cutPoints, seededRandom, tokenSoup } from './robustness-inputs';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/python');
const SEED = 7;

type Cursor = Pick<TreeCursor, 'nodeTypeId' | 'currentFieldId' | 'nodeIsMissing' | 'startIndex' | 'endIndex' | 'startPosition' | 'gotoFirstChild' | 'gotoNextSibling' | 'gotoParent'>;

/** One line per node, in document order; top-level statements add their position and error flag. */
function nodes(cursor: Cursor, hasError: () => boolean): string[] {
  const lines: string[] = [];
  const visit = (depth: number): void => {
    const position = depth === 1 ? ` @${cursor.startPosition.row}:${cursor.startPosition.column} error=${hasError()}` : '';
    lines.push(`${depth} ${cursor.nodeTypeId} f${cursor.currentFieldId} ${cursor.startIndex}-${cursor.endIndex} missing=${cursor.nodeIsMissing}${position}`);
    if (cursor.gotoFirstChild()) {
      do visit(depth + 1); while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
  };
  visit(0);
  return lines;
}

function publicWalk(tree: Tree): string[] {
  const cursor = tree.walk();
  try {
    return nodes(cursor, () => cursor.currentNode.hasError);
  } finally {
    cursor.delete();
  }
}

function fastWalk(tree: Tree): string[] {
  const cursor: TreeWalk = walkTree(tree);
  try {
    return nodes(cursor, () => cursor.nodeHasError);
  } finally {
    cursor.delete();
  }
}

function inputs(): { name: string; text: string }[] {
  const random = seededRandom(SEED);
  const fixtures = readdirSync(FIXTURES, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => path.join(entry.parentPath, entry.name)).sort()
    .map((file) => ({ name: path.relative(FIXTURES, file), text: readFileSync(file, 'utf8') }));
  const cuts = fixtures.flatMap((f) => cutPoints(f.text.length, 3, random).map((at) => ({ name: `${f.name} cut at ${at}`, text: f.text.slice(0, at) })));
  const soups = Array.from({ length: 50 }, (_, i) => ({ name: `soup ${i}`, text: tokenSoup(random, 80).text }));
  const unicode = { name: 'non-ASCII', text: 'def f(q, k):\n    """Aufmerksamkeit — 注意 🚀"""\n    é = q @ k  # ∑\n    return F.softmax(é, dim=-1)\n' };
  return [...fixtures, ...cuts, ...soups, unicode];
}

describe('fast tree walk', () => {
  let parser: Parser;
  before(async () => { parser = await pythonParser(); });

  it('reads every node as the public TreeCursor does', () => {
    const checked = inputs();
    for (const { name, text } of checked) {
      const tree = parser.parse(text)!;
      try {
        assert.deepEqual(fastWalk(tree), publicWalk(tree), name);
      } finally {
        tree.delete();
      }
    }
    assert.ok(checked.length > 100);
  });

  it('keeps its place when a read borrows the transfer buffer', () => {
    const tree = parser.parse('class A:\n    def f(self):\n        return 1\n\nx = 2\n')!;
    const cursor = walkTree(tree);
    try {
      assert.ok(cursor.gotoFirstChild());
      assert.deepEqual(cursor.startPosition, { row: 0, column: 0 });
      assert.equal(cursor.nodeHasError, false);
      assert.ok(cursor.gotoNextSibling());
      assert.deepEqual(cursor.startPosition, { row: 4, column: 0 });
      assert.equal(cursor.gotoNextSibling(), false);
    } finally {
      cursor.delete();
      tree.delete();
    }
  });
});
