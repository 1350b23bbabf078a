/**
 * Whether a FileReport[] is well formed for the inputs it came from: one report per file, every
 * span inside its file, every enum value known, and every output format accepts it (SARIF checked
 * against the 2.1.0 required properties). Returns the problems found; empty means well formed.
 */
import type { SourceFile } from '../../extension/analysis/index';
import type { CallReport, FileReport, ModeResult, Span } from '../../extension/analysis/report';
import { formatJson } from '../../extension/cli/format/json';
import { formatSarif } from '../../extension/cli/format/sarif';
import { formatText } from '../../extension/cli/format/text';
import { sarifStructureErrors } from '../cli/format/sarif-structure';

const SEVERITIES = ['error', 'warning', 'information', 'hint'];
const OUTCOMES = ['runs', 'raises', 'depends'];
const VERDICT_STATUSES = ['accepted', 'rejected', 'depends'];

export function reportProblems(files: readonly SourceFile[], reports: readonly FileReport[]): string[] {
  const problems: string[] = [];
  const expected = files.map((f) => f.path).sort();
  const got = reports.map((r) => r.path).sort();
  if (JSON.stringify(expected) !== JSON.stringify(got)) problems.push(`reports for ${JSON.stringify(got)}, files ${JSON.stringify(expected)}`);
  for (const report of reports) {
    const file = files.find((f) => f.path === report.path);
    if (file === undefined) continue;
    const inFile = (span: Span, what: string) => problems.push(...spanProblems(file.text, span).map((p) => `${report.path} ${what}: ${p}`));
    report.parseErrors.forEach((e, i) => {
      inFile(e.span, `parse error ${i}`);
      if (typeof e.message !== 'string' || e.message === '') problems.push(`${report.path} parse error ${i}: empty message`);
    });
    report.calls.forEach((call, i) => problems.push(...callProblems(call, `${report.path} call ${i}`, inFile)));
  }
  problems.push(...formatProblems(reports));
  return problems;
}

function callProblems(call: CallReport, at: string, inFile: (span: Span, what: string) => void): string[] {
  const problems: string[] = [];
  inFile(call.span, `${at} span`);
  if (typeof call.api !== 'string' || call.api === '') problems.push(`${at}: empty api`);
  if (call.function !== null && typeof call.function !== 'string') problems.push(`${at}: function is ${typeof call.function}`);
  problems.push(...modeProblems(call.modes.train, `${at} train`), ...modeProblems(call.modes.infer, `${at} infer`));
  call.findings.forEach((finding, j) => {
    if (!SEVERITIES.includes(finding.severity)) problems.push(`${at} finding ${j}: severity ${finding.severity}`);
    if (typeof finding.message !== 'string' || finding.message === '') problems.push(`${at} finding ${j}: empty message`);
    inFile(finding.span, `${at} finding ${j}`);
    finding.fix?.edits.forEach((edit, k) => inFile(edit.span, `${at} finding ${j} edit ${k}`));
  });
  return problems;
}

function modeProblems(mode: ModeResult, at: string): string[] {
  const problems: string[] = [];
  if (![true, false, null].includes(mode.reached)) problems.push(`${at}: reached is ${String(mode.reached)}`);
  const d = mode.decision;
  if (!OUTCOMES.includes(d.outcome)) problems.push(`${at}: outcome ${d.outcome}`);
  if (d.outcome === 'raises' && typeof d.error !== 'string') problems.push(`${at}: raises without an error message`);
  if (d.backend !== null && typeof d.backend !== 'string') problems.push(`${at}: backend is ${typeof d.backend}`);
  d.verdicts.forEach((v, i) => {
    if (!VERDICT_STATUSES.includes(v.status)) problems.push(`${at} verdict ${i}: status ${v.status}`);
    if (!v.reasons.every((r) => typeof r === 'string')) problems.push(`${at} verdict ${i}: a reason is not a string`);
  });
  return problems;
}

/** 1-based, start before end, on a line of the file; columns bounded by the line's UTF-8 length (≥ any unit). */
function spanProblems(text: string, span: Span): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const { line, column, endLine, endColumn } = span;
  if (![line, column, endLine, endColumn].every((n) => Number.isInteger(n) && n >= 1)) return [`not 1-based integers: ${JSON.stringify(span)}`];
  if (endLine < line || (endLine === line && endColumn < column)) return [`ends before it starts: ${JSON.stringify(span)}`];
  if (endLine > lines.length) return [`past the last line ${lines.length}: ${JSON.stringify(span)}`];
  const width = (n: number) => Buffer.byteLength(lines[n - 1]!, 'utf8') + 1;
  if (column > width(line) || endColumn > width(endLine)) return [`past the end of its line: ${JSON.stringify(span)}`];
  return [];
}

function formatProblems(reports: readonly FileReport[]): string[] {
  try {
    formatText(reports, { color: true });
    JSON.parse(formatJson(reports));
    const sarif = JSON.parse(formatSarif(reports, { toolVersion: '0.0.0', rulesDocsUri: 'file:///docs/rules/' }));
    return sarifStructureErrors(sarif).map((p) => `sarif ${p}`);
  } catch (err) {
    return [`a formatter threw: ${err instanceof Error ? err.stack : String(err)}`];
  }
}
