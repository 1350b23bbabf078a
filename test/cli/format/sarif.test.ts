import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../extension/analysis/rules/index';
import { formatSarif, toSarifLog } from '../../../extension/cli/format/sarif';
import { SAMPLE_REPORTS } from './sample-reports';
import { sarifStructureErrors } from './sarif-structure';

const OPTIONS = { toolVersion: '0.1.0', rulesDocsUri: 'https://example.org/attnlens/docs/rules/' };

describe('sarif format', () => {
  const log = toSarifLog(SAMPLE_REPORTS, OPTIONS);
  const run = log.runs[0]!;

  it('has the properties SARIF 2.1.0 requires', () => {
    assert.deepEqual(sarifStructureErrors(JSON.parse(formatSarif(SAMPLE_REPORTS, OPTIONS))), []);
  });

  it('the structure check catches what a consumer would reject', () => {
    const broken = JSON.parse(JSON.stringify(log));
    delete broken.runs[0].tool.driver.name;
    broken.runs[0].results[0].ruleIndex = 0;
    delete broken.runs[0].results[1].fixes[0].artifactChanges[0].replacements[0].deletedRegion;
    broken.runs[0].results[2].locations[0].physicalLocation.region.startLine = 0;
    assert.deepEqual(sarifStructureErrors(broken), [
      '$.runs[0].tool.driver.name: required string',
      '$.runs[0].results[0].ruleIndex: must index the rule named by ruleId',
      '$.runs[0].results[1].fixes[0].artifactChanges[0].replacements[0].deletedRegion: required object',
      '$.runs[0].results[2].locations[0].physicalLocation.region.startLine: integer >= 1',
    ]);
  });

  it('lists every diagnostic code as a rule with its description, level and docs page', () => {
    const rules = run.tool.driver.rules!;
    assert.equal(new Set(rules.map((r) => r.id)).size, 23);
    const layout = RULES.find((r) => r.meta.code === 'layout')!.meta;
    assert.deepEqual(rules.find((r) => r.id === 'layout'), {
      id: 'layout',
      shortDescription: { text: layout.description },
      helpUri: 'https://example.org/attnlens/docs/rules/layout.md',
      defaultConfiguration: { level: 'error' },
    });
    assert.deepEqual(rules.find((r) => r.id === 'dtype-mismatch')?.helpUri, 'https://example.org/attnlens/docs/rules/dtype-mismatch.md');
    assert.deepEqual(run.tool.driver.name, 'attnlens');
    assert.deepEqual(run.tool.driver.semanticVersion, '0.1.0');
  });

  it('every rule has the docs page its helpUri names, titled with its code', () => {
    for (const rule of run.tool.driver.rules!) {
      const page = path.resolve(__dirname, '../../../../docs/rules', `${rule.id}.md`);
      assert.ok(existsSync(page), `missing ${page}`);
      assert.match(readFileSync(page, 'utf8'), new RegExp(`^# ${rule.id} \\(`));
    }
  });

  it('gives one result per parse error, internal error and finding, with levels, locations and modes', () => {
    const rules = run.tool.driver.rules!;
    assert.deepEqual(run.results!.map((r) => [r.ruleId, rules[r.ruleIndex!]!.id, r.level, r.locations![0]!.physicalLocation!.artifactLocation!.uri]), [
      ['mask-disables-flash', 'mask-disables-flash', 'note', 'model.py'],
      ['dtype-unsupported', 'dtype-unsupported', 'error', 'model.py'],
      ['parse-error', 'parse-error', 'error', 'broken.py'],
      ['internal-error', 'internal-error', 'warning', 'tree.py'],
    ]);
    assert.deepEqual(run.results![0], {
      ruleId: 'mask-disables-flash',
      ruleIndex: rules.findIndex((r) => r.id === 'mask-disables-flash'),
      level: 'note',
      message: { text: 'flash is off in training: attn_mask is not None' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'model.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 41, startColumn: 50, endLine: 41, endColumn: 60 } } }],
      properties: { mode: 'train' },
    });
  });

  it('turns a fix into replacements of the file', () => {
    assert.deepEqual(run.results![1]!.fixes, [{
      description: { text: 'Cast q, k, v to bfloat16' },
      artifactChanges: [{
        artifactLocation: { uri: 'model.py', uriBaseId: '%SRCROOT%' },
        replacements: [
          { deletedRegion: { startLine: 60, startColumn: 25, endLine: 60, endColumn: 26 }, insertedContent: { text: 'q.to(torch.bfloat16)' } },
          { deletedRegion: { startLine: 60, startColumn: 28, endLine: 60, endColumn: 29 }, insertedContent: { text: 'k.to(torch.bfloat16)' } },
        ],
      }],
    }]);
  });

  it('writes relative paths as URIs against %SRCROOT% and absolute ones as file URIs', () => {
    const paths = ['models/my model.py', '/abs/dir/m.py'].map((p) => toSarifLog([{ ...SAMPLE_REPORTS[2]!, path: p }], OPTIONS)
      .runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation);
    assert.deepEqual(paths, [{ uri: 'models/my%20model.py', uriBaseId: '%SRCROOT%' }, { uri: 'file:///abs/dir/m.py' }]);
  });
});
