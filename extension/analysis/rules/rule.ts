/**
 * The rule contract: one module per diagnostic code, each a `meta` record and a `check` that reads
 * one call site (its facts and decision per path kind) and returns findings. Rules never parse.
 */
import type { Decision } from '../../../runtime/dispatch/decision';
import { isNoKernel } from '../../../runtime/dispatch/messages';
import { SWITCHED_OFF } from '../../../runtime/dispatch/rules/sdpa-switches';
import type { Environment, Mode } from '../../../runtime/dispatch/facts';
import type { CallSite, ModeSite } from '../call-facts/call-sites';
import type { DiagnosticCode, Finding, Severity } from '../report';

export interface RuleMeta {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** One line: what the rule reports (docs/analysis.md has what, why and an example). */
  readonly description: string;
}

/** What a rule sees for one path kind. */
export interface ModeView extends ModeSite {
  readonly mode: Mode;
  readonly decision: Decision;
}

export interface RuleContext {
  readonly site: CallSite;
  readonly modes: readonly [ModeView, ModeView];
  /** The settings the decisions were made under (a fix may hold only for some torch versions). */
  readonly env: Environment;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): Finding[];
}

export function createRule(meta: RuleMeta, check: (ctx: RuleContext) => Finding[]): Rule {
  return { meta, check };
}

/** `training` / `inference`, for messages. */
export function pathName(mode: Mode): string {
  return mode === 'train' ? 'training' : 'inference';
}

/**
 * Run a per-path check on both paths the call is (or may be) reached on; a finding with the same
 * message on both is reported once, without a mode.
 */
export function perMode(ctx: RuleContext, check: (view: ModeView) => Omit<Finding, 'mode'> | null): Finding[] {
  const found = ctx.modes.filter((m) => m.reached !== false).map((m) => ({ mode: m.mode, finding: check(m) }));
  const hits = found.filter((f): f is { mode: Mode; finding: Omit<Finding, 'mode'> } => f.finding !== null);
  const [first, second] = hits;
  if (first && second && first.finding.message === second.finding.message) return [first.finding];
  return hits.map((h) => ({ ...h.finding, mode: h.mode }));
}

/** " on the training path", or "" when no caller established the path kind. */
export function pathPhrase(view: ModeView): string {
  return view.observations[0]?.ctx.modeAssumed === false ? ` on the ${pathName(view.mode)} path` : '';
}

/** " (training path: <why it is training>)", or "" when no caller established the path. */
export function onPath(view: ModeView): string {
  if (view.observations[0]?.ctx.modeAssumed !== false || !view.facts.mode.known) return '';
  return ` (${pathName(view.mode)} path: ${view.facts.mode.source})`;
}

/**
 * Whether SDPA's switches decide this path: a switch turned flash off, or left no kernel at all
 * (no-available-kernel). A fact that would also keep flash off (a mask, the ranks) is then not the reason.
 */
export function switchesKeepFlashOff(view: ModeView): boolean {
  const flash = view.decision.verdicts.find((v) => v.backend.endsWith('.flash'));
  return flash?.short === SWITCHED_OFF || isNoKernel(view.decision.error);
}
