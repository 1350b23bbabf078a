/**
 * `--format text`: one block per call, `file:line:col api (`file:cell N:line:col` in a notebook) → train: backend (why) | infer: backend (why)`
 * in the code lens' words (describeDecision),
 * its diagnostics indented below, parse errors as `file:line:col error parse-error: message`, the
 * analysis' internal errors as `file:line:col warning internal-error: message`, and a summary line. ANSI colour only when the caller says so (a terminal, no --no-color / NO_COLOR).
 */
import { styleText } from 'node:util';
import type { Outcome } from '../../../runtime/dispatch/decision';
import { describeDecision } from '../../../runtime/dispatch/describe';
import type { CallReport, FileReport, Severity, Span } from '../../analysis/report';
import { perCase, unreachedWhy } from '../../analysis/reporting/mode-words';
import type { Mode } from '../../../runtime/dispatch/facts';
import { escapeControls as safe } from './control-characters';

export interface TextOptions {
  readonly color: boolean;
}

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', information: 'blue', hint: 'gray' };

export function formatText(reports: readonly FileReport[], options: TextOptions): string {
  // The caller has decided about colour: styleText must not second-guess it from process.stdout.
  const paint: Paint = options.color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
  const lines: string[] = [];
  for (const file of reports) {
    for (const error of file.parseErrors) {
      const where = paint('bold', `${safe(file.path)}:${position(error.span)}`);
      lines.push(error.limit ? `${where} ${paint('blue', 'note')} parse-limit: ${safe(error.message)}` : `${where} ${paint('red', 'error')} parse-error: ${safe(error.message)}`);
    }
    for (const error of file.internalErrors) {
      const where = paint('bold', `${safe(file.path)}:${position(error.span)}`);
      lines.push(`${where} ${paint('yellow', 'warning')} internal-error: ${safe(error.message)}`);
    }
    for (const call of file.calls) lines.push(...callBlock(file.path, call, paint));
  }
  lines.push(summary(reports));
  return `${lines.join('\n')}\n`;
}

function callBlock(path: string, call: CallReport, paint: Paint): string[] {
  const where = paint('bold', `${safe(path)}:${position(call.span)}`);
  const head = `${where} ${paint('cyan', safe(call.api))} → train: ${modeText(call, 'train', paint)} | infer: ${modeText(call, 'infer', paint)}`;
  // Library messages span several lines (xformers'): keep their continuation lines under the finding.
  const diagnostics = call.findings.map((f) => `  ${paint(SEVERITY_STYLE[f.severity], f.severity)} ${f.code}: ${safe(f.message, { keepNewlines: true }).replace(/\n/g, '\n    ')}`);
  return [head, ...diagnostics];
}

/** `12:5`, or in a notebook `cell 3:12:5` (the line counted from the cell's first). */
function position(span: Span): string {
  return `${span.cell === undefined ? '' : `cell ${span.cell}:`}${span.line}:${span.column}`;
}

const OUTCOME_STYLE: Record<Outcome, Style> = { runs: 'green', depends: 'yellow', raises: 'red' };

/** The code lens' words for a path (describeDecision) and what reaching it assumes, or `not reached (why)`. */
function modeText(call: CallReport, kind: Mode, paint: Paint): string {
  const mode = call.modes[kind];
  if (mode.reached === false) return paint('dim', `not reached (${safe(unreachedWhy(call, kind))})`);
  const described = perCase(mode, (d) => paint(OUTCOME_STYLE[d.outcome], safe(describeDecision(d, true))), ' · ', safe);
  return mode.assumed === undefined || mode.assumed.length === 0 ? described : `${described} [if ${safe(mode.assumed.join(', or '))}]`;
}

function summary(reports: readonly FileReport[]): string {
  const calls = reports.flatMap((f) => f.calls);
  const findings = calls.flatMap((c) => c.findings);
  const bySeverity = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const parseErrors = reports.reduce((n, f) => n + f.parseErrors.filter((e) => !e.limit).length, 0);
  const internalErrors = reports.reduce((n, f) => n + f.internalErrors.length, 0);
  return `${count(calls.length, 'attention call')} in ${count(reports.length, 'file')}: ` +
    `${count(bySeverity('error'), 'error')}, ${count(bySeverity('warning'), 'warning')}, ` +
    `${count(bySeverity('information') + bySeverity('hint'), 'note')}, ${count(parseErrors, 'parse error')}` +
    (internalErrors > 0 ? `, ${count(internalErrors, 'internal error')}` : '');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
