/**
 * Runs the rules over one call site. A rule that throws loses its findings for that call, and the
 * error (tagged with the rule's code) is handed to `onError`; it never stops the analysis.
 */
import type { Finding } from '../report';
import { RULES } from './index';
import type { RuleContext } from './rule';

export function runRules(ctx: RuleContext, onError: (code: string, err: unknown) => void = () => undefined): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    try {
      findings.push(...rule.check(ctx));
    } catch (err) {
      onError(rule.meta.code, err);
    }
  }
  return findings.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column || (a.code < b.code ? -1 : 1));
}
