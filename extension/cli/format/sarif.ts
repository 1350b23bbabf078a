/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning UIs. One run; the driver's rules are every
 * diagnostic code (help at docs/rules/<code>.md); one result per finding and per parse error.
 * Relative paths are given against %SRCROOT%, the directory `check` ran in.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { DiagnosticCode, FileReport, Finding, Severity, Span } from '../../analysis/report';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Absolute URI of the folder holding docs/rules/<code>.md, ending in `/`. */
  readonly rulesDocsUri: string;
}

/** One line per rule for code-scanning UIs; the Record type keeps it complete. */
const RULE_SUMMARIES: Record<DiagnosticCode, string> = {
  'dtype-mismatch': 'q, k and v have different dtypes on a call that raises for it',
  'dtype-unsupported': 'A dtype the attention kernel does not accept (float32 into flash-attn)',
  'bias-dtype': 'The attention bias dtype does not match the query dtype',
  'bias-shape': 'The attention bias shape does not fit the attention scores',
  'bias-alignment': 'The attention bias is not aligned as the kernel requires',
  'mask-disables-flash': 'A mask turns the flash kernel off on this path',
  'dead-fast-path': 'A fast-path condition in the code is never true on some path',
  'head-dim': 'The head size is not supported by the fast kernels',
  'causal-alignment': 'Causal masking with different query and key lengths aligns differently across libraries',
  'layout': 'Tensors passed in the wrong layout (BLHD vs BHLD)',
  'manual-attention': 'Hand-written attention that scaled_dot_product_attention would run fused',
  'dropout-in-eval': 'Dropout stays active at inference',
  'parse-error': 'The file does not parse as Python',
};

const RULE_CODES = Object.keys(RULE_SUMMARIES) as DiagnosticCode[];

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function toSarifLog(reports: readonly FileReport[], options: SarifOptions): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = RULE_CODES.map((code) => ({
    id: code,
    shortDescription: { text: RULE_SUMMARIES[code] },
    helpUri: `${options.rulesDocsUri}${code}.md`,
  }));
  const results = reports.flatMap((file) => [
    ...file.parseErrors.map((error) => result('parse-error', 'error', error.message, file.path, error.span)),
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
  return `${JSON.stringify(toSarifLog(reports, options), null, 2)}\n`;
}

function findingResult(file: string, finding: Finding): Sarif.Result {
  const base = result(finding.code, LEVEL[finding.severity], finding.message, file, finding.span);
  const withMode = finding.mode === undefined ? base : { ...base, properties: { mode: finding.mode } };
  if (finding.fix === undefined) return withMode;
  const replacements = finding.fix.edits.map((edit) => ({ deletedRegion: region(edit.span), insertedContent: { text: edit.newText } }));
  return {
    ...withMode,
    fixes: [{ description: { text: finding.fix.title }, artifactChanges: [{ artifactLocation: artifact(file), replacements }] }],
  };
}

function result(code: DiagnosticCode, level: Sarif.Result.level, text: string, file: string, span: Span): Sarif.Result {
  return {
    ruleId: code,
    ruleIndex: RULE_CODES.indexOf(code),
    level,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: artifact(file), region: region(span) } }],
  };
}

function artifact(file: string): Sarif.ArtifactLocation {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const segments = path.normalize(file).split(path.sep).map(encodeURIComponent);
  return { uri: segments.join('/'), uriBaseId: '%SRCROOT%' };
}

function region(span: Span): Sarif.Region {
  return { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn };
}
