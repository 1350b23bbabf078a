/** The rule registry: one entry per code, sorted, each documented in docs/analysis.md; every code SARIF links to has docs/rules/<code>.md. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RULES } from '../../../extension/analysis/rules';
import { toSarifLog } from '../../../extension/cli/format/sarif';

describe('rule registry', () => {
  const codes = RULES.map((r) => r.meta.code);

  it('is sorted by code, without repeats', () => {
    assert.deepEqual(codes, [...new Set(codes)].sort());
  });

  it('documents every rule in docs/analysis.md', () => {
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'analysis.md'), 'utf8');
    assert.deepEqual(codes.filter((c) => !docs.includes(`| \`${c}\` |`)), []);
  });

  it('has a docs page, with its sections, for every code the SARIF output links to', () => {
    const folder = path.join(__dirname, '..', '..', '..', '..', 'docs', 'rules');
    const linked = toSarifLog([], { toolVersion: '0', rulesDocsUri: `${pathToFileURL(folder).href}/` }).runs[0].tool.driver.rules!;
    assert.deepEqual(codes.filter((c) => !linked.some((r) => r.id === c)), []);
    for (const rule of linked) {
      const page = fs.readFileSync(fileURLToPath(rule.helpUri!), 'utf8');
      const headings = page.split('\n').filter((line) => line.startsWith('#'));
      assert.deepEqual(headings, [`# \`${rule.id}\``, '## What', '## Why', '## Example', '## Fix'], rule.id);
    }
    assert.deepEqual(fs.readdirSync(folder).sort(), linked.map((r) => `${r.id}.md`).sort());
  });
});
