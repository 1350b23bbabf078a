/** .ipynb JSON → cells: nbformat's two source forms, and every way a file can fail to be a notebook (a reason and a place, never a throw). */
import * as assert from 'node:assert/strict';
import { isNotebookPath, parseNotebookFile } from '../../extension/notebook/notebook-file';

describe('notebook file', () => {
  it('reads the cells in order, a source given as lines or as one string', () => {
    const json = JSON.stringify({
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'text'] },
        { cell_type: 'code', metadata: {}, outputs: [], execution_count: 3, source: ['import torch\n', 'x = 1'] },
        { cell_type: 'raw', metadata: {}, source: 'raw text' },
      ],
      nbformat: 4,
    });
    assert.deepEqual(parseNotebookFile(json), [
      { kind: 'markdown', source: '# Title\ntext' },
      { kind: 'code', source: 'import torch\nx = 1' },
      { kind: 'raw', source: 'raw text' },
    ]);
  });

  it('names why a file is not a notebook, and where the JSON breaks off', () => {
    assert.deepEqual(parseNotebookFile('{"cells": [\n  {"cell_type": "code"\n'), {
      invalid: "not a valid notebook: the file is not JSON (Expected ',' or '}' after property value)", line: 3, column: 1,
    });
    assert.deepEqual(parseNotebookFile('null'), { invalid: 'not a valid notebook: it has no "cells" list (nbformat 4)', line: 1, column: 1 });
    assert.deepEqual(parseNotebookFile('{"cells": [{"cell_type": "code", "source": "x"}, {"source": "y"}]}'),
      { invalid: 'not a valid notebook: cell 2 has no cell_type code, markdown or raw', line: 1, column: 1 });
    assert.deepEqual(parseNotebookFile('{"cells": [{"cell_type": "code", "source": ["x", 1]}]}'),
      { invalid: "not a valid notebook: cell 1's source is not text", line: 1, column: 1 });
  });

  it('knows notebooks by their extension', () => {
    assert.deepEqual(['train.ipynb', 'train.py', 'ipynb.py'].map(isNotebookPath), [true, false, false]);
  });
});
