/**
 * `--format json`: the stable, versioned schema documented in docs/check.md. snake_case keys,
 * 1-based lines and columns; new keys may be added within a version, none renamed or removed.
 */
import type { CallReport, FileReport, Finding, ParseError, Span, TextEdit } from '../../analysis/report';
import { escapeJsonControls } from './control-characters';
import { callDtypes, callShapes, type CallDtypes, type CallShapes } from './call-facts';
import { summarizeMode, type RejectedBackend } from './mode-summary';

export interface JsonSpan {
  /** In a notebook only: the cell (1-based among all cells), which the lines count from. */
  readonly cell?: number;
  readonly line: number;
  readonly column: number;
  readonly end_line: number;
  readonly end_column: number;
}

export interface JsonMode {
  readonly reached: boolean | null;
  readonly backend: string | null;
  readonly why: readonly string[];
  readonly rejected: readonly RejectedBackend[];
  /** When `reached` is null: what the paths reaching the call assume, e.g. `flash_attn is installed`. */
  readonly assumed: readonly string[];
  /** When `reached` is false because the code's own condition rules the call out: that condition and why. */
  readonly blocked_by: (JsonSpan & { readonly why: string }) | null;
  /**
   * Whether a reached verdict still waits on a fact the files leave open: one of its reasons, or of
   * a case's where it has cases, is "depends on …". False where every case is decided.
   */
  readonly depends: boolean;
  /** Where the verdict differs by case (the caller's autocast, a mask None or not…): each case's; absent otherwise. */
  readonly cases?: readonly JsonCase[];
}

/** One case of a path: the condition, and the backend and reasons as for a path. */
export interface JsonCase {
  readonly when: string;
  readonly backend: string | null;
  readonly why: readonly string[];
}

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly mode: 'train' | 'infer' | null;
  readonly fix?: { readonly edits: readonly (JsonSpan & { readonly new_text: string })[] };
}

export interface JsonCall extends JsonSpan {
  readonly api: string;
  readonly function: string | null;
  readonly dtypes: CallDtypes;
  readonly shapes: CallShapes;
  readonly modes: { readonly train: JsonMode; readonly infer: JsonMode };
  readonly diagnostics: readonly JsonDiagnostic[];
}

export interface JsonReport {
  readonly version: 1;
  readonly files: readonly {
    readonly path: string;
    readonly parse_errors: readonly (JsonSpan & { readonly message: string })[];
    /** Places whose analysis failed (they have no facts; everything else is reported). */
    readonly internal_errors: readonly (JsonSpan & { readonly message: string })[];
    readonly calls: readonly JsonCall[];
  }[];
}

export function toJsonReport(reports: readonly FileReport[]): JsonReport {
  return {
    version: 1,
    files: reports.map((file) => ({
      path: file.path,
      parse_errors: file.parseErrors.map(jsonParseError),
      internal_errors: file.internalErrors.map(jsonParseError),
      calls: file.calls.map(jsonCall),
    })),
  };
}

export function formatJson(reports: readonly FileReport[]): string {
  return `${escapeJsonControls(JSON.stringify(toJsonReport(reports), null, 2))}\n`;
}

function jsonCall(call: CallReport): JsonCall {
  return {
    ...jsonSpan(call.span),
    api: call.api,
    function: call.function,
    dtypes: callDtypes(call),
    shapes: callShapes(call),
    modes: { train: jsonMode(call.modes.train), infer: jsonMode(call.modes.infer) },
    diagnostics: call.findings.map(jsonDiagnostic),
  };
}

function jsonMode(mode: CallReport['modes']['train']): JsonMode {
  const { reached, backend, why, rejected } = summarizeMode(mode);
  const blockedBy = mode.blockedBy === undefined ? null : { ...jsonSpan(mode.blockedBy.span), why: mode.blockedBy.why };
  const cases = mode.cases?.map((c): JsonCase => {
    const summary = summarizeMode({ reached, facts: c.facts, decision: c.decision });
    return { when: c.when, backend: summary.backend, why: summary.why };
  });
  const depends = reached !== false && (cases ? cases.flatMap((c) => c.why) : why).some((reason) => reason.startsWith(DEPENDS));
  // With cases, the mode's own reasons say what the cases differ by, but for what a case still depends on.
  const open = new Set(cases?.flatMap((c) => c.why));
  const own = cases ? why.map((reason) => (reason.startsWith(DEPENDS) && !open.has(reason) ? `the cases differ by ${reason.slice(DEPENDS.length + 1)}` : reason)) : why;
  return { reached, backend, why: own, rejected, assumed: mode.assumed ?? [], blocked_by: blockedBy, depends, ...(cases ? { cases } : {}) };
}

/** How a reason that waits on an open fact starts (describe.ts words every one so). */
const DEPENDS = 'depends on';

function jsonDiagnostic(finding: Finding): JsonDiagnostic {
  const diagnostic = { code: finding.code, severity: finding.severity, message: finding.message, mode: finding.mode ?? null };
  return finding.fix === undefined ? diagnostic : { ...diagnostic, fix: { edits: finding.fix.edits.map(jsonEdit) } };
}

function jsonEdit(edit: TextEdit) {
  return { ...jsonSpan(edit.span), new_text: edit.newText };
}

function jsonParseError(error: ParseError) {
  return { ...jsonSpan(error.span), message: error.message, ...(error.limit ? { parser_limit: true } : {}) };
}

function jsonSpan(span: Span): JsonSpan {
  const position = { line: span.line, column: span.column, end_line: span.endLine, end_column: span.endColumn };
  return span.cell === undefined ? position : { cell: span.cell, ...position };
}
