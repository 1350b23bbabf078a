/**
 * Runs the rules over one call site. A rule that throws loses its findings for that call, and an
 * `internal-error` finding at the call names the rule and the exception; it never stops the analysis.
 */
import { errorText } from '../values/internal-errors';
import type { Finding } from '../report';
import { RULES } from './index';
import type { RuleContext } from './rule';

export function runRules(ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    try {
      findings.push(...rule.check(ctx));
    } catch (err) {
      findings.push({ code: 'internal-error', severity: 'warning', message: `internal error in the rule ${rule.meta.code}: ${errorText(err)}`, span: ctx.site.span });
    }
  }
  return findings.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column || (a.code < b.code ? -1 : 1));
}
