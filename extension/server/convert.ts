/**
 * The only mapping from the analysis' FileReport and the policy's Decision to LSP objects:
 * diagnostics, code lenses, hovers, code actions and inlay hints. Pure: no connection, no I/O.
 * Spans are 1-based and end-exclusive; LSP ranges are 0-based and end-exclusive.
 */
import {
  CodeActionKind, DiagnosticSeverity, InlayHintKind, MarkupKind,
  type CodeAction, type CodeLens, type Diagnostic, type InlayHint, type MarkupContent, type Position, type Range, type TextEdit,
} from 'vscode-languageserver';
import { describeSwitches, errorHeadline } from '../../runtime/dispatch/describe';
import type { Dtype, Fact, Mode } from '../../runtime/dispatch/facts';
import type { Decision, Verdict } from '../../runtime/dispatch/decision';
import type { CallReport, FileReport, Severity, Span } from '../analysis/report';
import { perCase, unreachedWhy } from '../analysis/reporting/mode-words';
import { formatMs, latencyText, PROVIDER_LABELS, type LatencyState } from './measurement';
import { fixKey, problemsOf, type Problem } from './problems';
import { estimate, formatSeconds } from './roofline';
import type { ServerSettings } from './settings';
import { formatShape, resolveShape, type ResolvedShape } from './shape-profile';

export const SOURCE = 'attnlens';
/** The command a resolved code lens runs; the VS Code client implements it. */
export const BENCHMARK_CALL_COMMAND = 'attnlens.benchmarkCall';
const MODES: readonly Mode[] = ['train', 'infer'];

export function toRange(span: Span): Range {
  return { start: { line: span.line - 1, character: span.column - 1 }, end: { line: span.endLine - 1, character: span.endColumn - 1 } };
}

export function contains(span: Span, position: Position): boolean {
  const r = toRange(span);
  return comparePositions(r.start, position) <= 0 && comparePositions(position, r.end) <= 0;
}

function overlaps(span: Span, range: Range): boolean {
  const r = toRange(span);
  return comparePositions(r.start, range.end) <= 0 && comparePositions(range.start, r.end) <= 0;
}

function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

const SEVERITIES: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** One problem (problems.ts): the analysis' message, naming the paths it occurs on. */
function toDiagnostic(problem: Problem): Diagnostic {
  return { range: toRange(problem.span), severity: SEVERITIES[problem.severity], code: problem.code, source: SOURCE, message: problem.message };
}

export function toDiagnostics(report: FileReport): Diagnostic[] {
  return [
    ...report.parseErrors.map((e): Diagnostic => ({
      range: toRange(e.span), severity: e.limit ? DiagnosticSeverity.Information : DiagnosticSeverity.Error, code: e.limit ? 'parse-limit' : 'parse-error', source: SOURCE, message: e.message,
    })),
    ...report.internalErrors.map((e): Diagnostic => ({ range: toRange(e.span), severity: DiagnosticSeverity.Warning, code: 'internal-error', source: SOURCE, message: e.message })),
    ...report.calls.flatMap((call) => problemsOf(call).map(toDiagnostic)),
  ];
}

/** Identifies a lens between codeLens and codeLens/resolve. */
export interface LensData {
  readonly uri: string;
  readonly index: number;
  readonly version: number;
}

/** Unresolved lenses, one above each call; `resolveCodeLens` fills in the title. */
export function toCodeLenses(report: FileReport, uri: string, version: number): CodeLens[] {
  return report.calls.map((call, index) => {
    const line = call.span.line - 1;
    const data: LensData = { uri, index, version };
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, data };
  });
}

export function resolveCodeLens(lens: CodeLens, call: CallReport, latency: LatencyState): CodeLens {
  const data = lens.data as LensData;
  return { ...lens, command: { title: lensTitle(call, latency), command: BENCHMARK_CALL_COMMAND, arguments: [data.uri, data.index] } };
}

/** `train: efficient (flash off: attn_bias is not None) · infer: flash · 0.42 ms WebGPU`. */
export function lensTitle(call: CallReport, latency: LatencyState): string {
  const reached = MODES.filter((m) => call.modes[m].reached !== false);
  const shown = reached.length > 0 ? reached : MODES;
  // Cases joined by `; `: ` · ` already separates the path kinds in a lens.
  const summaries = shown.map((m) => [m, perCase(call.modes[m], decisionSummary, '; ')] as const);
  const parts = summaries.length === 2 && summaries[0]![1] === summaries[1]![1]
    ? [`train & infer: ${summaries[0]![1]}`]
    : summaries.map(([m, s]) => `${m}: ${s}`);
  const latencyPart = latencyText(latency);
  return [...parts, ...(latencyPart === null ? [] : [latencyPart])].join(' · ');
}

/** `flash`, `efficient (flash off: …)`, `raises: …`, `flash? (depends on …)`. */
export function decisionSummary(d: Decision): string {
  switch (d.outcome) {
    case 'raises':
      return `raises: ${short(errorHeadline(d.error ?? 'error'))}`;
    case 'depends': {
      const pending = d.verdicts.find((v) => v.status === 'depends');
      const why = pending?.reasons[0] ?? 'unknown facts';
      return d.backend === null ? why : `${shortBackend(d.backend)}? (${why})`;
    }
    case 'runs': {
      const chosen = d.verdicts.findIndex((v) => v.backend === d.backend);
      const skipped = d.verdicts.slice(0, Math.max(chosen, 0)).find((v) => v.status === 'rejected');
      const name = d.backend === null ? 'unknown' : shortBackend(d.backend);
      // The few words the policy gives for a lens (`float32`), else its first reason: a lens stays one short line.
      return skipped === undefined ? name : `${name} (${shortBackend(skipped.backend)} off: ${short(skipped.short ?? skipped.reasons[0] ?? 'rejected').replace(/\.$/, '')})`;
    }
  }
}

/** A lens stays one short line: the first line of a long library message, cut; the hover has it all. */
const LENS_MESSAGE_CHARS = 72;
function short(message: string): string {
  const line = message.split('\n')[0]!;
  return line.length <= LENS_MESSAGE_CHARS ? line : `${line.slice(0, LENS_MESSAGE_CHARS - 1)}…`;
}

/** `sdpa.flash` → `flash`: the library is clear from the call. */
function shortBackend(id: string): string {
  return id.slice(id.indexOf('.') + 1);
}

/** The mode whose facts drive measurement and estimates: inference unless it is never reached. */
export function primaryMode(call: CallReport): Mode {
  return call.modes.infer.reached === false && call.modes.train.reached !== false ? 'train' : 'infer';
}

export interface HoverContext {
  readonly settings: ServerSettings;
  readonly latency: LatencyState;
}

/** The whole Decision for both paths, the facts with their sources, the measurement and the estimate. */
export function toHover(call: CallReport, ctx: HoverContext): MarkupContent {
  const where = call.function === null ? '' : ` in \`${call.function}\``;
  const sections = [
    `**\`${call.api}\`**${where}`,
    ...MODES.map((m) => modeSection(call, m)),
    factsTable(call),
    measurementSection(call, ctx),
    rooflineSection(call, ctx.settings),
  ];
  return { kind: MarkupKind.Markdown, value: sections.filter((s) => s !== '').join('\n\n') };
}

/** Whether a path reaches the call, and what decides it: the gate that rules it out, the assumptions it needs. */
function reachedText(call: CallReport, mode: Mode): string {
  const result = call.modes[mode];
  if (result.reached === true) return 'reached';
  if (result.reached === false) return `not reached: ${unreachedWhy(call, mode)}`;
  return result.assumed?.length ? `reached if ${result.assumed.join(', or ')}` : 'reachability unknown';
}

function modeSection(call: CallReport, mode: Mode): string {
  const result = call.modes[mode];
  const d = result.decision;
  const head = `**${mode}** (${reachedText(call, mode)}) · policy \`${d.policy}\` · ${outcomeText(d)}`;
  const lines = [
    ...d.verdicts.map(verdictLine),
    ...d.warnings.map((w) => `- ⚠ \`${w.code}\`: ${w.message}${w.possible ? ` (if ${w.possible})` : ''}${w.casts.length === 0 ? '' : ` — fix: ${w.casts.map((c) => `${c.tensor} ${c.from} → ${c.to}`).join(', ')}`}`),
    ...d.notes.map((n) => `- note: ${n}`),
  ];
  const cases = (result.cases ?? []).map((c) => `- case *${c.when}*: ${outcomeText(c.decision)}`);
  return [head, ...cases, ...lines].join('\n');
}

function outcomeText(d: Decision): string {
  switch (d.outcome) {
    case 'runs': return `runs \`${d.backend ?? 'unknown'}\``;
    case 'raises': return `raises: ${d.error ?? 'error'}`;
    case 'depends': return d.backend === null ? 'depends on unknown facts' : `depends; best case \`${d.backend}\``;
  }
}

const VERDICT_MARKS: Readonly<Record<Verdict['status'], string>> = { accepted: '✓', rejected: '✗', depends: '?' };

function verdictLine(v: Verdict): string {
  return `- ${VERDICT_MARKS[v.status]} \`${v.backend}\`${v.reasons.length === 0 ? '' : `: ${v.reasons.join('; ')}`}`;
}

function factText<T>(fact: Fact<T> | undefined, show: (v: T) => string = String): string {
  if (fact === undefined) return '—';
  return fact.known ? `${show(fact.value)} (${escapeCell(fact.source)})` : `depends on ${escapeCell(fact.dependsOn)}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function factsTable(call: CallReport): string {
  const t = call.modes.train.facts, i = call.modes.infer.facts;
  const row = (name: string, cell: (f: typeof t) => string): string => `| ${name} | ${cell(t)} | ${cell(i)} |`;
  const dims = ['batch', 'heads', 'kvHeads', 'seqQ', 'seqKv', 'headDim'] as const;
  return [
    '| fact | train | infer |',
    '|---|---|---|',
    row('q dtype', (f) => factText(f.dtypes.q)),
    row('k dtype', (f) => factText(f.dtypes.k)),
    row('v dtype', (f) => factText(f.dtypes.v)),
    row('autocast', (f) => factText(f.autocast, (v) => v ?? 'off')),
    row('mask', (f) => factText(f.mask.kind) + (f.mask.dtype?.known ? `, ${f.mask.dtype.value}` : '')),
    row('causal', (f) => factText(f.causal)),
    row('dropout', (f) => factText(f.dropout)),
    ...dims.map((dim) => row(dim, (f) => factText(f.shape[dim]))),
    ...(t.sdpaBackends || i.sdpaBackends ? [row('SDPA backends', (f) => (f.sdpaBackends ? escapeCell(describeSwitches(f.sdpaBackends)) : 'all on (PyTorch\'s default)'))] : []),
  ].join('\n');
}

function primaryShape(call: CallReport, settings: ServerSettings): ResolvedShape {
  return resolveShape(call.modes[primaryMode(call)].facts.shape, settings.shapeProfile);
}

function measurementSection(call: CallReport, ctx: HoverContext): string {
  const latency = ctx.latency;
  switch (latency.kind) {
    case 'off': return '**Measured**: off (setting `attnlens.measurement.enabled`)';
    case 'measuring': return `**Measured**: measuring… (${formatShape(primaryShape(call, ctx.settings))})`;
    case 'unavailable': return `**Measured**: unavailable: ${latency.reason}`;
    case 'measured': {
      const r = latency.row;
      if (r.medianMs === null) return `**Measured**: unavailable: ${r.reason ?? r.status}`;
      const spread = r.spreadMs === null ? '' : ` (IQR ${formatMs(r.spreadMs)})`;
      const parity = r.relError === null ? '' : `; parity: rel. L2 error ${r.relError.toExponential(1)} vs float64`;
      return `**Measured**: ${formatMs(r.medianMs)} median${spread} on ${PROVIDER_LABELS[r.provider]} · ${r.adapter}, ${r.dtype}, kernel \`${r.kernel}\`, ${formatShapeOf(r.shape)}${parity}`;
    }
  }
}

function formatShapeOf(s: { batch: number; heads: number; kvHeads: number; seqQ: number; seqKv: number; headDim: number }): string {
  const dim = (value: number) => ({ value, source: '' });
  return formatShape({ batch: dim(s.batch), heads: dim(s.heads), kvHeads: dim(s.kvHeads), seqQ: dim(s.seqQ), seqKv: dim(s.seqKv), headDim: dim(s.headDim) });
}

function rooflineSection(call: CallReport, settings: ServerSettings): string {
  if (settings.targetGpu === null) return '';
  const facts = call.modes[primaryMode(call)].facts;
  const shape = primaryShape(call, settings);
  const dtype: Dtype = facts.dtypes.q.known ? facts.dtypes.q.value : 'float16';
  const assumed = facts.dtypes.q.known ? '' : ', dtype assumed';
  const causal = facts.causal.known && facts.causal.value;
  const e = estimate(settings.targetGpu, dtype, shape, causal, settings.targetEfficiency);
  const defaults = Object.values(shape).some((d) => d.source.startsWith('default profile')) ? `, unknown dimensions from profile '${settings.shapeProfile}'` : '';
  return `**Estimate**: ≈ ${formatSeconds(e.seconds)} on ${e.gpu} at ${Math.round(e.efficiency * 100)} % of peak ` +
    `(${dtype}${assumed}, ${formatShape(shape)}${defaults}; ${e.bound}-bound: ${formatCount(e.flops)}FLOP, ${formatCount(e.bytes)}B; roofline, see docs/extension.md)`;
}

/** 134 M, 1.0 M, 512 k. */
function formatCount(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  const [scale, unit] = units.find(([s]) => n >= s) ?? [1, ''];
  return `${Number((n / scale).toPrecision(3))} ${unit}`;
}

/**
 * Each fix of the problems the range meets or the client names in the request's context, once, with
 * the diagnostics it resolves. The context counts because clients differ in the range they send:
 * Neovim sends the cursor's position with every diagnostic on its line, so a cursor at the start of
 * the line would otherwise get no fix for a problem further along it.
 */
export function toCodeActions(report: FileReport, uri: string, range: Range, context: readonly Diagnostic[] = []): CodeAction[] {
  const actions = new Map<string, CodeAction>();
  const named = (p: Problem) => context.some((d) => d.source === SOURCE && d.code === p.code && sameRange(d.range, toRange(p.span)));
  const problems = report.calls.flatMap(problemsOf).filter((p) => p.fixes.length > 0 && (overlaps(p.span, range) || named(p)));
  for (const problem of problems) {
    for (const fix of problem.fixes) {
      const key = fixKey(fix);
      const known = actions.get(key);
      if (known !== undefined) {
        known.diagnostics!.push(toDiagnostic(problem));
        continue;
      }
      actions.set(key, {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(problem)],
        isPreferred: problem.code.startsWith('dtype') || problem.code === 'bias-dtype',
        edit: { changes: { [uri]: fix.edits.map((e): TextEdit => ({ range: toRange(e.span), newText: e.newText })) } },
      });
    }
  }
  return [...actions.values()];
}

/** `: float16` after q, k and v where the report gives their spans, else one hint after the call. */
export function toInlayHints(report: FileReport, range: Range): InlayHint[] {
  return report.calls.filter((call) => overlaps(call.span, range)).flatMap((call): InlayHint[] => {
    const tensors = ['q', 'k', 'v'] as const;
    const args = call.args;
    if (args !== undefined && tensors.every((t) => args[t] !== undefined)) {
      return tensors.map((t) => ({ position: toRange(args[t]!).end, label: `: ${dtypeLabel(call, t)}`, kind: InlayHintKind.Type }));
    }
    return [{ position: toRange(call.span).end, label: ` q, k, v: ${tensors.map((t) => dtypeLabel(call, t)).join(', ')}`, kind: InlayHintKind.Type, paddingLeft: true }];
  });
}

/** `float16`, or `float32/float16` when the paths differ, `?` when unknown. */
function dtypeLabel(call: CallReport, tensor: 'q' | 'k' | 'v'): string {
  const reached = MODES.filter((m) => call.modes[m].reached !== false);
  const values = (reached.length > 0 ? reached : MODES).map((m) => {
    const fact = call.modes[m].facts.dtypes[tensor];
    return fact.known ? fact.value : '?';
  });
  return [...new Set(values)].join('/');
}
