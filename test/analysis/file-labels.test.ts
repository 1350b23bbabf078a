/**
 * How messages name files: by name where it is the only open file of that name, else by the shortest
 * path suffix that tells it apart; kept reports are named again when a file of the same name opens or
 * closes.
 */
import * as assert from 'node:assert/strict';
import { fileLabels, fileMark } from '../../extension/analysis/file-labels';
import { PlacedReport } from '../../extension/analysis/relocate';

const TABLE: readonly [string, readonly string[], readonly string[]][] = [
  ['unique names stay short', ['train.py', 'vision/models/var.py'], ['train.py', 'var.py']],
  ['two attention.py: the folder that tells them apart', ['vision/models/attention.py', 'vision/layers/attention.py', 'vision/models/blocks.py'],
    ['models/attention.py', 'layers/attention.py', 'blocks.py']],
  ['as many folders as it takes', ['a/x/attention.py', 'b/x/attention.py', 'c/y/attention.py'], ['a/x/attention.py', 'b/x/attention.py', 'y/attention.py']],
  ['a path another one ends with is named whole', ['utils.py', 'src/utils.py'], ['utils.py', 'src/utils.py']],
  ['absolute paths, and Windows separators', ['/home/me/proj/models/attention.py', 'C:\\proj\\layers\\attention.py'], ['models/attention.py', 'layers/attention.py']],
];

describe('file labels', () => {
  for (const [what, paths, want] of TABLE) {
    it(`${what}: ${want.join(', ')}`, () => {
      const labels = fileLabels(paths);
      assert.deepEqual(paths.map(labels), want);
    });
  }

  it('names a path that is not open by its name', () => {
    assert.equal(fileLabels(['a/utils.py', 'b/utils.py'])('c/utils.py'), 'utils.py');
  });

  it('a kept report is named again when the labels of the files it names change', () => {
    const raw = { message: `\`zeros\` at ${fileMark('lib/utils.py')}:5`, other: 'no file here' };
    const report = new PlacedReport(raw, fileLabels(['lib/utils.py', 'train.py']));
    const first = report.current(fileLabels(['lib/utils.py', 'train.py']));
    assert.equal(first.message, '`zeros` at utils.py:5');
    assert.equal(report.current(fileLabels(['lib/utils.py', 'train.py', 'model.py'])), first, 'labels unchanged: the same placed report');
    assert.equal(report.current(fileLabels(['lib/utils.py', 'tools/utils.py'])).message, '`zeros` at lib/utils.py:5');
    assert.equal(report.current(fileLabels(['lib/utils.py'])).message, '`zeros` at utils.py:5');
  });
});
