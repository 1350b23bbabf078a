/**
 * The rules' findings where a verdict differs by case (cases.ts): the rules run once per case, and a
 * problem found in some cases only is reported once, names them, and is a warning (the code decides
 * which case runs: the problem may never happen); found in every case, it stands as the rule says.
 * A fix is offered only where the problem holds in every case (an edit made for one case may change
 * what another computes). The same problem in several cases, worded with each case's dtypes, is
 * reported once, in the words of the first case it was found in.
 */
import type { Environment, Mode } from '../../../runtime/dispatch/facts';
import type { CallSite } from '../call-facts/call-sites';
import type { Finding } from '../report';
import type { ModeView } from '../rules/rule';
import { runRules } from '../rules/runner';
import type { CaseView } from './cases';

const MODES: readonly Mode[] = ['train', 'infer'];

export function findingsByCase(site: CallSite, views: readonly [ModeView, ModeView], cases: readonly [readonly CaseView[], readonly CaseView[]], env: Environment): Finding[] {
  const worlds = Math.max(cases[0].length, cases[1].length);
  if (worlds === 0) return runRules({ site, modes: views, env });
  // World i takes case i of each path kind that has cases (its last one where it has fewer).
  const caseOf = (m: number, i: number): CaseView | undefined => cases[m]![Math.min(i, cases[m]!.length - 1)];
  const found = new Map<string, { finding: Finding; worlds: Set<number> }>();
  for (let i = 0; i < worlds; i++) {
    const modes = MODES.map((mode, m): ModeView => {
      const c = caseOf(m, i);
      return c ? { ...c.site, mode, decision: c.decision } : views[m]!;
    }) as [ModeView, ModeView];
    for (const finding of runRules({ site, modes, env })) {
      // One problem per case may be worded with that case's dtypes: the same problem where its first line is.
      const key = `${finding.code}|${finding.mode ?? ''}|${finding.span.line}:${finding.span.column}|${finding.message.split('\n')[0]}`;
      const seen = found.get(key);
      if (seen) seen.worlds.add(i); else found.set(key, { finding, worlds: new Set([i]) });
    }
  }
  return [...found.values()].map(({ finding, worlds: where }) => {
    const concerned = MODES.map((mode, m) => ({ mode, m })).filter(({ mode, m }) => (finding.mode === undefined || finding.mode === mode) && cases[m]!.length > 0);
    const partial = concerned.filter(({ m }) => new Set([...where].map((i) => caseOf(m, i))).size < cases[m]!.length);
    if (partial.length === 0) return finding;
    const labels = [...new Set(partial.flatMap(({ m }) => [...where].map((i) => caseOf(m, i)!.when)))];
    const { fix: _fix, ...rest } = finding;
    return { ...rest, severity: finding.severity === 'error' ? 'warning' : finding.severity, message: `${finding.message} (${labels.join(', or ')})` };
  });
}
