/**
 * A call's findings as the editor shows them: one problem per code and place. The analysis reports
 * a problem once per path where its wording differs between the paths (each names its path, and the
 * provenance may differ); the editor shows it once, naming the paths it occurs on, so one place has
 * one squiggle and one list entry. A finding about q, k and v together covers all three arguments,
 * not the first one's name.
 */
import type { Mode } from '../../runtime/dispatch/facts';
import type { CallReport, DiagnosticCode, Finding, Fix, Severity, Span } from '../analysis/report';

export interface Problem {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly span: Span;
  readonly message: string;
  /** The fixes its findings offer, each once. */
  readonly fixes: readonly Fix[];
}

/** Rules whose finding is about the tensors q, k and v together (their dtypes, layout, rank or head size). */
const ABOUT_QKV: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['dtype-unsupported', 'dtype-mismatch', 'layout', 'input-rank', 'head-dim']);

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'information', 'hint'];
const PATH_NAMES: Readonly<Record<Mode, string>> = { train: 'training', infer: 'inference' };

export function problemsOf(call: CallReport): Problem[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of call.findings) {
    const key = `${finding.code} ${spanKey(finding.span)}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups.values()].map((findings) => ({
    code: findings[0]!.code,
    severity: SEVERITY_ORDER.find((s) => findings.some((f) => f.severity === s))!,
    span: ABOUT_QKV.has(findings[0]!.code) ? qkvSpan(call, findings[0]!.span) : findings[0]!.span,
    message: mergedMessage(findings),
    fixes: distinct(findings.flatMap((f) => (f.fix === undefined ? [] : [f.fix])), fixKey),
  }));
}

/** Identifies a fix by what it does: the same edits under the same title are one fix. */
export function fixKey(fix: Fix): string {
  return JSON.stringify([fix.title, fix.edits.map((e) => [spanKey(e.span), e.newText])]);
}

function spanKey(span: Span): string {
  return `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`;
}

function distinct<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** From the first to the last of the q, k, v arguments, when the finding sits on one of them. */
function qkvSpan(call: CallReport, span: Span): Span {
  const args = [call.args?.q, call.args?.k, call.args?.v].filter((s): s is Span => s !== undefined);
  if (!args.some((s) => spanKey(s) === spanKey(span))) return span;
  const first = args.reduce((a, b) => (before(b, a) ? b : a));
  const last = args.reduce((a, b) => (before(a, b) ? b : a));
  return { line: first.line, column: first.column, endLine: last.endLine, endColumn: last.endColumn };
}

function before(a: Span, b: Span): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/**
 * One finding: its message. The same problem on both paths: the message once with "on the training
 * and inference paths" where the two differ only in the path they name, else each message under its path.
 */
function mergedMessage(findings: readonly Finding[]): string {
  const perPath = findings.filter((f) => f.mode !== undefined);
  if (findings.length === 1 || perPath.length !== findings.length) return findings.map((f) => f.message).join('\n');
  const phrase = (f: Finding) => ` on the ${PATH_NAMES[f.mode!]} path`;
  const [first, ...rest] = perPath;
  const sameBeyondPath = perPath.every((f) => f.message.includes(phrase(f)))
    && rest.every((f) => f.message.replace(phrase(f), '') === first!.message.replace(phrase(first!), ''));
  if (sameBeyondPath) return first!.message.replace(phrase(first!), ` on the ${perPath.map((f) => PATH_NAMES[f.mode!]).join(' and ')} paths`);
  return perPath.map((f) => `${PATH_NAMES[f.mode!]} path: ${f.message}`).join('\n');
}
