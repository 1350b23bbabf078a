/** The rule registry: one entry per code, sorted, each documented in docs/analysis.md. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../extension/analysis/rules';

describe('rule registry', () => {
  const codes = RULES.map((r) => r.meta.code);

  it('is sorted by code, without repeats', () => {
    assert.deepEqual(codes, [...new Set(codes)].sort());
  });

  it('documents every rule in docs/analysis.md', () => {
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'analysis.md'), 'utf8');
    assert.deepEqual(codes.filter((c) => !docs.includes(`| \`${c}\` |`)), []);
  });
});
