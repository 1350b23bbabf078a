/**
 * Files opened in pieces (`parse-pool.ts`) get their whole-file tree in idle time
 * (`background-parse.ts`): a parse suspended between slices resumes into the tree a whole parse
 * gives, and the first edit of such a file is re-parsed incrementally, with the report of a fresh
 * analysis, whether it comes after the background parse or before it ends.
 */
import * as assert from 'node:assert/strict';
import type { Parser, Tree } from 'web-tree-sitter';
import { BackgroundParses } from '../../extension/analysis/syntax/background-parse';
import { AnalysisSession, analyzeFiles, type SourceFile } from '../../extension/analysis/index';
import { pythonParser } from '../../extension/analysis/syntax/parser';
import type { PoolOptions } from '../../extension/analysis/syntax/parse-pool';
import { generateModelCode } from '../../scripts/bench/model-code';
import { readFixture, SETTINGS } from './helpers';

const IN_PIECES: PoolOptions = { minTotalChars: 0, pieceChars: 4096 };
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `body` while recording, for each parse by the shared parser, whether it was given an old tree. */
async function sharedParses(body: () => void): Promise<string[]> {
  const shared = await pythonParser();
  const calls: string[] = [];
  const original = shared.parse;
  shared.parse = function (this: Parser, ...args: Parameters<Parser['parse']>): Tree | null {
    calls.push(args[1] ? 'incremental' : 'whole');
    return original.apply(this, args);
  };
  try {
    body();
  } finally {
    shared.parse = original;
  }
  return calls;
}

/** Opens the files in pieces, lets `settle` run, edits the first one; returns how the edit was parsed. */
async function firstEdit(files: SourceFile[], settle: (session: AnalysisSession) => Promise<void>): Promise<string[]> {
  const session = await AnalysisSession.create(SETTINGS);
  try {
    await session.openAll(files, IN_PIECES);
    session.report(files[0]!.path);
    await settle(session);
    const edited = files[0]!.text.replace('n_head=12', 'n_head=16');
    assert.notEqual(edited, files[0]!.text);
    const calls = await sharedParses(() => session.update(files[0]!.path, edited));
    const fresh = await analyzeFiles([{ path: files[0]!.path, text: edited }, ...files.slice(1)], SETTINGS);
    files.forEach((f, i) => assert.deepEqual(session.report(f.path), fresh[i], f.path));
    return calls;
  } finally {
    session.dispose();
  }
}

describe('background parses of files opened in pieces', () => {
  const model = generateModelCode(1500);
  const files = (): SourceFile[] => [{ path: 'model.py', text: model }, { path: 'sampler.py', text: readFixture('gated-before/sampler.py') }];

  it('resumes a suspended parse where it stopped, whatever the shared parser parses between slices', async () => {
    const shared = await pythonParser();
    const whole = shared.parse(model)!;
    const finished: Tree[] = [];
    const background = new BackgroundParses(shared, (_path, _text, tree) => finished.push(tree), 0);
    try {
      background.add('model.py', model);
      let slices = 0;
      for (; finished.length === 0; slices++) {
        await turn();
        shared.parse('class Other:\n    def f(self):\n        return """x\n"""\n')!.delete();
      }
      assert.ok(slices > 10, `suspended ${slices} times`);
      assert.equal(finished[0]!.rootNode.toString(), whole.rootNode.toString());
      // Half-way through, `finish` completes the same parse at once.
      background.add('model.py', model);
      for (let i = 0; i < 5; i++) await turn();
      const rest = background.finish('model.py', model);
      assert.equal(rest?.rootNode.toString(), whole.rootNode.toString());
      assert.equal(finished.length, 1);
      rest!.delete();
    } finally {
      for (const tree of finished) tree.delete();
      whole.delete();
      background.dispose();
    }
  });

  it('gives a file opened in pieces its tree in idle time: the first edit is re-parsed incrementally', async () => {
    assert.deepEqual(await firstEdit(files(), (session) => session.parsed()), ['incremental']);
  });

  it('finishes the parse for an edit that comes before it ends', async () => {
    assert.deepEqual(await firstEdit(files(), async () => {}), ['incremental']);
  });

  it('drops the background parse of a file closed or edited meanwhile', async () => {
    const session = await AnalysisSession.create(SETTINGS);
    try {
      await session.openAll(files(), IN_PIECES);
      session.close('model.py');
      session.update('sampler.py', `${files()[1]!.text}\n# edited\n`);
      await session.parsed();
      assert.deepEqual(session.report('model.py').calls, []);
      const [fresh] = await analyzeFiles([{ path: 'sampler.py', text: `${files()[1]!.text}\n# edited\n` }], SETTINGS);
      assert.deepEqual(session.report('sampler.py'), fresh);
    } finally {
      session.dispose();
    }
  });
});
