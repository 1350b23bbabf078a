import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CUSTOM_METHODS } from '../extension/protocol';

describe('extension/protocol', () => {
  it('docs/lsp-extensions.md documents exactly the methods protocol.ts declares', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/lsp-extensions.md'), 'utf8');
    const documented = [...doc.matchAll(/^## `(attnlens\/\w+)`$/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...CUSTOM_METHODS].sort());
  });
});
