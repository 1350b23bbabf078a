/** Call sites → the stable `FileReport` shape: a decision per path kind and the rules' findings. */
import type { Decision } from '../../runtime/dispatch/decision';
import { known, unknown, type Environment } from '../../runtime/dispatch/facts';
import { decide } from '../../runtime/dispatch/policy';
import type { CallSite } from './call-sites';
import type { AnalysisSettings, CallReport, FileReport, ParseError } from './report';
import type { ModeView } from './rules/rule';
import { runRules } from './runner';

/** The environment the policy decides for, from the user's settings. */
export function environmentOf(settings: AnalysisSettings): Environment {
  const lib = (name: 'flash_attn' | 'xformers') => {
    const v = settings.installed[name];
    return v === null ? unknown(`whether ${name} is installed`) : known(v, `${name} ${v ? '' : 'not '}installed (setting)`);
  };
  return { device: settings.device, torch: settings.torch, sm: settings.sm, installed: { flash_attn: lib('flash_attn'), xformers: lib('xformers') } };
}

export function callReport(site: CallSite, env: Environment, decideFn: (s: CallSite['modes']['train']) => Decision = (s) => decide(s.facts, env)): CallReport {
  const views = (['train', 'infer'] as const).map((mode): ModeView => ({ ...site.modes[mode], mode, decision: decideFn(site.modes[mode]) })) as [ModeView, ModeView];
  const [train, infer] = views;
  return {
    span: site.span, api: site.apiText, function: site.function,
    modes: {
      train: { reached: train.reached, facts: train.facts, decision: train.decision },
      infer: { reached: infer.reached, facts: infer.facts, decision: infer.decision },
    },
    findings: runRules({ site, modes: views }),
  };
}

export function fileReport(path: string, parseErrors: readonly ParseError[], sites: readonly CallSite[], env: Environment): FileReport {
  return { path, parseErrors, calls: sites.filter((s) => s.path === path).map((s) => callReport(s, env)) };
}
