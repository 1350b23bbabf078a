/** Call sites → the stable `FileReport` shape: a decision per path kind and the rules' findings. */
import type { Decision } from '../../../runtime/dispatch/decision';
import { known, unknown, type Environment } from '../../../runtime/dispatch/facts';
import { decide } from '../../../runtime/dispatch/policy';
import type { CallSite } from '../call-facts/call-sites';
import type { InstalledOnPath, OptionalLibrary } from '../values/state';
import type { AnalysisSettings, CallReport, FileReport, InternalErrorReport, ModeResult, ParseError, Span } from '../report';
import { errorText, type InternalError } from '../values/internal-errors';
import { PlacedReport } from './relocate';
import { spanOf } from '../syntax/positions';
import type { ModeView } from '../rules/rule';
import { decideByCase, type CaseView } from './cases';
import { findingsByCase } from './case-findings';

/** The environment the policy decides for, from the user's settings. */
export function environmentOf(settings: AnalysisSettings): Environment {
  const lib = (name: 'flash_attn' | 'xformers') => {
    const v = settings.installed[name];
    return v === null ? unknown(`whether ${name} is installed`) : known(v, `${name} ${v ? '' : 'not '}installed (setting)`);
  };
  return { device: settings.device, torch: settings.torch, sm: settings.sm, installed: { flash_attn: lib('flash_attn'), xformers: lib('xformers') } };
}

/** A site's report with its lines where its statements are now (see `PlacedReport`). */
/**
 * The environment for one path kind: where the user's settings leave a library unknown, the paths
 * reaching the call may have settled it (the branch under `try: import flash_attn` runs only if it is
 * installed).
 */
function onPath(env: Environment, installed: InstalledOnPath): Environment {
  const settle = (lib: OptionalLibrary): Environment['installed'][OptionalLibrary] => {
    const v = installed[lib];
    return env.installed[lib].known || v === undefined ? env.installed[lib] : known(v.value, v.why);
  };
  return installed.flash_attn === undefined && installed.xformers === undefined ? env
    : { ...env, installed: { flash_attn: settle('flash_attn'), xformers: settle('xformers') } };
}

export function callReport(site: CallSite, env: Environment, decideFn?: (s: CallSite['modes']['train']) => Decision): CallReport {
  return new PlacedReport(rawCallReport(site, env, decideFn)).current();
}

/** A site's report as of when its statements were interpreted: to keep, and relocate when read. */
export function rawCallReport(site: CallSite, env: Environment, decideFn: (s: CallSite['modes']['train']) => Decision = (s) => decide(s.facts, onPath(env, s.installed))): CallReport {
  const decided = (['train', 'infer'] as const).map((mode) => decideByCase(site.modes[mode], site.api, mode, decideFn));
  const views = (['train', 'infer'] as const).map((mode, i): ModeView => ({ ...site.modes[mode], mode, decision: decided[i]!.decision })) as [ModeView, ModeView];
  const cases = [decided[0]!.cases, decided[1]!.cases] as const;
  return {
    span: site.span, api: site.apiText, function: site.function,
    modes: { train: modeResult(views[0], cases[0]), infer: modeResult(views[1], cases[1]) },
    findings: findingsByCase(site, views, cases, env),
    ...argSpans(site),
  };
}

/**
 * Where q, k and v are written at the call (a keyword argument's value), from the first path that
 * observed it; none when one tensor carries all three (packed qkv), since a hint there is ambiguous.
 */
function argSpans(site: CallSite): Pick<CallReport, 'args'> {
  const args = (site.modes.train.observations[0] ?? site.modes.infer.observations[0])?.args;
  const [q, k, v] = (['q', 'k', 'v'] as const).map((role) => args?.[role]?.node ?? undefined);
  if (q !== undefined && q === k && k === v) return {};
  const spans = Object.fromEntries(([['q', q], ['k', k], ['v', v]] as const).filter(([, n]) => n !== undefined).map(([role, n]) => [role, spanOf(n!)]));
  return Object.keys(spans).length > 0 ? { args: spans } : {};
}

function modeResult(view: ModeView, cases: readonly CaseView[]): ModeResult {
  return {
    reached: view.reached, facts: view.facts, decision: view.decision,
    ...(cases.length > 0 ? { cases: cases.map((c) => ({ when: c.when, facts: c.site.facts, decision: c.decision })) } : {}),
    ...(view.reached === null && view.assumed.length > 0 ? { assumed: view.assumed } : {}),
    ...(view.reached === false && view.deadBy ? { blockedBy: { span: spanOf(view.deadBy.node), why: view.deadBy.why } } : {}),
  };
}

/**
 * `reportOf` turns a site into its report (a cache may answer for sites already reported); a site
 * whose report fails is left out and its failure reported in its place, beside the workspace's
 * other `internalErrors` in this file.
 */
export function fileReport(path: string, parseErrors: readonly ParseError[], sites: readonly CallSite[], reportOf: (site: CallSite) => CallReport, internalErrors: readonly InternalError[]): FileReport {
  const calls: CallReport[] = [];
  const failed: InternalError[] = internalErrors.filter((e) => e.path === path);
  for (const site of sites) {
    if (site.path !== path) continue;
    try {
      calls.push(reportOf(site));
    } catch (err) {
      failed.push({ path, node: site.node, during: `deciding \`${site.apiText}\``, message: errorText(err) });
    }
  }
  return { path, parseErrors, calls, internalErrors: failed.map(internalErrorReport) };
}

const FILE_START: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

function internalErrorReport(e: InternalError): InternalErrorReport {
  return { span: e.node ? spanOf(e.node, 'start') : FILE_START, message: `internal error ${e.during}: ${e.message}` };
}
