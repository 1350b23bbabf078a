import * as assert from 'node:assert/strict';
import { escapeControls, escapeJsonControls } from '../../../extension/cli/format/control-characters';

describe('control characters in output', () => {
  it('writes C0, DEL, C1, separators and bidirectional controls as escapes, and leaves other text alone', () => {
    assert.equal(escapeControls('a\x1b[2J\x07\r\n\t\x7f\x9b\u2028\u202e\u2066é→b'), 'a\\x1b[2J\\x07\\x0d\\x0a\\x09\\x7f\\x9b\\u2028\\u202e\\u2066é→b');
  });

  it('keeps newlines when asked (the tool\'s multi-line messages)', () => {
    assert.equal(escapeControls('one\ntwo\x1b', { keepNewlines: true }), 'one\ntwo\\x1b');
  });

  it('escapes in JSON text what JSON.stringify leaves raw, so that it parses back to the same string', () => {
    const value = { s: 'a\x1b\x7f\x9b\u202e\u2028b' };
    const json = escapeJsonControls(JSON.stringify(value, null, 2));
    assert.equal(json, '{\n  "s": "a\\u001b\\u007f\\u009b\\u202e\\u2028b"\n}');
    assert.deepEqual(JSON.parse(json), value);
  });
});
