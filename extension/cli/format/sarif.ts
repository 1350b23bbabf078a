/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning UIs. One run; the driver's rules are the
 * analysis' rules and parse-error (help at docs/rules/<code>.md); one result per finding and per
 * parse error.
 * Relative paths are given against %SRCROOT%, the directory `check` ran in. Messages are shown to
 * people by code-scanning UIs: their control characters are escaped visibly, the rest in the JSON.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { DiagnosticCode, FileReport, Finding, Severity, Span } from '../../analysis/report';
import { RULES } from '../../analysis/rules/index';
import { escapeControls, escapeJsonControls } from './control-characters';
import type { RuleMeta } from '../../analysis/rules/rule';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Absolute URI of the folder holding docs/rules/<code>.md, ending in `/`. */
  readonly rulesDocsUri: string;
}

/** The analysis' rules, plus parse errors, which come from the parser rather than a rule. */
const RULE_METAS: readonly RuleMeta[] = [
  ...RULES.map((rule) => rule.meta),
  { code: 'parse-error', severity: 'error', description: 'The file does not parse as Python; the calls in the parts that do are still reported' },
  { code: 'parse-limit', severity: 'information', description: 'Valid Python the parser (tree-sitter-python) cannot read: that statement is not analysed, the rest is' },
  { code: 'internal-error', severity: 'warning', description: 'The analysis failed at this place (a function, a call or the file): it has no facts there, and everything else is reported' },
];

const RULE_CODES: readonly DiagnosticCode[] = RULE_METAS.map((meta) => meta.code);

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function toSarifLog(reports: readonly FileReport[], options: SarifOptions): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULE_METAS.map((meta) => ({
    id: meta.code,
    shortDescription: { text: meta.description },
    helpUri: `${options.rulesDocsUri}${meta.code}.md`,
    defaultConfiguration: { level: LEVEL[meta.severity] },
  }));
  const results = reports.flatMap((file) => [
    ...file.parseErrors.map((error) => (error.limit ? result('parse-limit', 'note', error.message, file.path, error.span) : result('parse-error', 'error', error.message, file.path, error.span))),
    ...file.internalErrors.map((error) => result('internal-error', 'warning', error.message, file.path, error.span)),
    ...file.calls.flatMap((call) => call.findings.map((finding) => findingResult(file.path, finding))),
  ]);
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{
      tool: { driver: { name: 'attnlens', semanticVersion: options.toolVersion, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

export function formatSarif(reports: readonly FileReport[], options: SarifOptions): string {
  return `${escapeJsonControls(JSON.stringify(toSarifLog(reports, options), null, 2))}\n`;
}

function findingResult(file: string, finding: Finding): Sarif.Result {
  const base = result(finding.code, LEVEL[finding.severity], finding.message, file, finding.span);
  const withMode = finding.mode === undefined ? base : { ...base, properties: { mode: finding.mode } };
  if (finding.fix === undefined) return withMode;
  const replacements = finding.fix.edits.map((edit) => ({ deletedRegion: region(edit.span), insertedContent: { text: edit.newText } }));
  return {
    ...withMode,
    fixes: [{ description: { text: escapeControls(finding.fix.title) }, artifactChanges: [{ artifactLocation: artifact(file), replacements }] }],
  };
}

function result(code: DiagnosticCode, level: Sarif.Result.level, text: string, file: string, span: Span): Sarif.Result {
  return {
    ruleId: code,
    ruleIndex: RULE_CODES.indexOf(code),
    level,
    message: { text: escapeControls(text, { keepNewlines: true }) },
    locations: [{ physicalLocation: { artifactLocation: artifact(file), region: region(span) } }],
  };
}

function artifact(file: string): Sarif.ArtifactLocation {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const segments = path.normalize(file).split(path.sep).map(encodeURIComponent);
  return { uri: segments.join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * SARIF has no notebook cells: in a notebook the region's lines count from the cell's first line and
 * `properties.cell` names the cell (1-based among all cells), as docs/check.md says.
 */
function region(span: Span): Sarif.Region {
  const region = { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn };
  return span.cell === undefined ? region : { ...region, properties: { cell: span.cell } };
}
