/**
 * Verdicts per case (issue #13 item 4). The observations of a path kind at a call are decided one
 * by one; where they agree, that is the verdict, whatever facts the join leaves open between them;
 * where they do not, each group is a case, named by the fact that sets it apart from the others: the
 * caller's autocast, a library installed or not, a condition the path assumed, the mask, q's dtype,
 * the causal flag, dropout. Where no such fact names every case, the joined verdict stands. A
 * library the settings leave open and no path settles is two cases: installed, and not. A verdict
 * that waits on a head size the files leave open is given per range of head sizes (head-size-cases.ts).
 */
import type { Decision } from '../../../runtime/dispatch/decision';
import type { AttentionApi, Mode } from '../../../runtime/dispatch/facts';
import { caseSite, type ModeSite } from '../call-facts/call-sites';
import { OPTIONAL_LIBRARIES, type Observation, type OptionalLibrary } from '../values/state';
import { byHeadSize, renamed } from './head-size-cases';
import { byKeyLength } from './key-length-cases';
import { byMaskKind, type Decided } from './mask-cases';
import { offReason } from '../../../runtime/dispatch/describe';
import { autocastWords, caseLabels, jointWhen, ORDER, type Single } from './case-labels';

export interface CaseView {
  readonly when: string;
  readonly site: ModeSite;
  readonly decision: Decision;
}

export interface ModeDecision {
  readonly decision: Decision;
  /** Two or more when the verdict differs by case; none otherwise. */
  readonly cases: readonly CaseView[];
}

type Decide = (site: ModeSite) => Decision;

/**
 * What a decision does, for telling cases apart: the error it raises, or the backend it runs or
 * may run (a path where flash runs and one where flash may run are not two cases).
 */
function outcomeKey(d: Decision): string {
  // A library error's first line says what it is; the lines after quote the dtypes of the case.
  return d.outcome === 'raises' ? `raises|${(d.error ?? '').split('\n')[0]}` : `backend|${d.backend ?? ''}`;
}

/**
 * A group's path to speak for it: where some of its paths only may take its backend, one of those
 * (it says on what). The same one whatever order the paths were seen in (an edit reuses some runs
 * and redoes others): the first by its reasons' text.
 */
function representative(group: readonly Single[]): Single {
  const depends = group.filter((s) => s.decision.outcome === 'depends');
  const pool = depends.length > 0 ? depends : group;
  return pool.reduce((best, s) => (reasonsText(s) < reasonsText(best) ? s : best));
}

/**
 * The group's decision, where its paths run the same backend with the preferred one off for different
 * reasons (float32 on one, the mask on another): every reason, so none reads as the whole group's.
 */
function offForEvery(d: Decision, group: readonly Single[]): Decision {
  const preferred = d.verdicts[0];
  if (d.outcome !== 'runs' || !preferred || preferred.status !== 'rejected' || preferred.backend === d.backend) return d;
  const shorts = new Set(group.map((s) => s.decision.verdicts[0]).filter((v) => v?.backend === preferred.backend && v.status === 'rejected')
    .map((v) => offReason(v!)));
  return shorts.size > 1 ? { ...d, verdicts: [{ ...preferred, short: [...shorts].sort().join(' or ') }, ...d.verdicts.slice(1)] } : d;
}

/** Whether some paths of a group wait on facts the others' do not (those that run the backend wait on none). */
function waitOnDifferentFacts(group: readonly Single[]): boolean {
  const open = (s: Single): string => s.decision.verdicts.filter((v) => v.status === 'depends').flatMap((v) => v.unknowns ?? []).sort().join('\n');
  return new Set(group.filter((s) => s.decision.outcome === 'depends').map(open)).size > 1;
}

function reasonsText(s: Single): string {
  return s.decision.verdicts.map((v) => `${v.backend}:${v.reasons.join('|')}`).join('\n');
}

/** Cases in a stable order: by the autocast they run under (none, float16, bfloat16, open), then by their words. */
function caseOrder(a: { group: readonly Single[]; when: string }, b: { group: readonly Single[]; when: string }): number {
  const rank = (group: readonly Single[]): number => Math.min(...group.map((s) => {
    const autocast = s.observation.ctx.autocast;
    return autocast.known ? ORDER.indexOf(String(autocast.value)) : ORDER.length;
  }));
  return rank(a.group) - rank(b.group) || (a.when < b.when ? -1 : a.when > b.when ? 1 : 0);
}

export function decideByCase(site: ModeSite, api: AttentionApi, mode: Mode, decide: Decide): ModeDecision {
  const joined = decide(site);
  const lib = OPTIONAL_LIBRARIES.find((l) => waitsOnLibrary(joined, l));
  return lib ? byLibrary(site, api, mode, decide, lib, joined) : byPaths(site, api, mode, decide, joined);
}

/** Whether a decision waits on whether the library is installed (the settings leave it open and no path settles it). */
function waitsOnLibrary(d: Decision, lib: OptionalLibrary): boolean {
  return d.verdicts.some((v) => v.status === 'depends' && (v.unknowns ?? []).includes(`whether ${lib} is installed`));
}

/**
 * A library installed or not as two cases (a call of it imported under an `ImportError` guard, or a
 * kernel choice that hinges on it), each decided as the paths decide it there.
 */
function byLibrary(site: ModeSite, api: AttentionApi, mode: Mode, decide: Decide, lib: OptionalLibrary, joined: Decision): ModeDecision {
  const cases = [true, false].flatMap((value): CaseView[] => {
    const words = `if ${lib} is ${value ? '' : 'not '}installed`;
    const settled: Decide = (s) => decide({ ...s, installed: { ...s.installed, [lib]: { value, why: `${lib} ${value ? 'is' : 'is not'} installed (a case)` } } });
    const inner = byPaths(site, api, mode, settled, settled(site));
    return inner.cases.length > 0 ? inner.cases.map((c) => ({ ...c, when: jointWhen(words, c.when) })) : [{ when: words, site, decision: inner.decision }];
  });
  return { decision: joined, cases };
}

/** The paths' observations decided one by one, grouped into cases where they decide differently. */
function byPaths(site: ModeSite, api: AttentionApi, mode: Mode, decide: Decide, joined: Decision): ModeDecision {
  if (site.observations.length < 2) return perUnknown(site, joined, decide);
  const singles = site.observations.map((observation): Single => {
    const one = caseSite(site, api, mode, [observation]);
    return { observation, facts: one.facts, decision: decide(one) };
  });
  const groups = new Map<string, Single[]>();
  for (const s of singles) {
    const key = outcomeKey(s.decision);
    const group = groups.get(key);
    if (group) group.push(s); else groups.set(key, [s]);
  }
  const list = [...groups.values()];
  // Every path decides alike: that is the verdict, though the join of their facts is open.
  if (list.length === 1) {
    if (joined.outcome !== 'depends') return { decision: joined, cases: [] };
    // Paths that may take the backend for different reasons (q's dtype open on one, only the head
    // size on another): one path's facts do not speak for the others', so each autocast's paths
    // are decided apart, and where that does not part them, their joined facts are.
    if (waitOnDifferentFacts(list[0]!)) return byAutocast(site, api, mode, decide, joined) ?? perUnknown(site, joined, decide);
    const one = representative(list[0]!);
    return perUnknown({ ...site, facts: one.facts }, one.decision, decide);
  }
  const labels = caseLabels(list);
  // A case's paths speak for each other only where they wait on the same facts (as above).
  if (!labels || list.some(waitOnDifferentFacts)) return byAutocast(site, api, mode, decide, joined) ?? perUnknown(site, joined, decide);
  const ordered = list.map((group, i) => ({ group, when: labels[i]! })).sort(caseOrder);
  const cases = ordered.flatMap(({ group, when }): CaseView[] => {
    // The paths of a case decide alike: one's facts and decision are the case's (the join of their
    // facts may leave open what no one of them does: float16 on one path, bfloat16 on another).
    const one = representative(group);
    const caseView: CaseView = { when, site: { ...caseSite(site, api, mode, group.map((s) => s.observation)), facts: one.facts }, decision: offForEvery(one.decision, group) };
    const sizes = perUnknown(caseView.site, caseView.decision, decide);
    return sizes.cases.length === 0 ? [{ ...caseView, decision: sizes.decision }] : sizes.cases.map((c) => ({ ...c, when: jointWhen(when, c.when) }));
  });
  return { decision: joined, cases };
}

/**
 * Paths that no fact or pair of facts tells apart (a mask split on some paths, under each autocast):
 * the autocast case each ran under first (the case runs, autocast-cases.ts), then each case's own
 * paths as `byPaths` splits them; cases that do the same under several autocasts are named together.
 * Undefined where the paths ran under one autocast, or under an open one.
 */
function byAutocast(site: ModeSite, api: AttentionApi, mode: Mode, decide: Decide, joined: Decision): ModeDecision | undefined {
  const byValue = new Map<string, Observation[]>();
  for (const o of site.observations) {
    if (!o.ctx.autocast.known) return undefined;
    const value = String(o.ctx.autocast.value);
    byValue.set(value, [...byValue.get(value) ?? [], o]);
  }
  if (byValue.size < 2) return undefined;
  const merged = new Map<string, { values: string[]; inner: string; view: CaseView }>();
  for (const value of [...byValue.keys()].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))) {
    const sub = caseSite(site, api, mode, byValue.get(value)!);
    const inner = byPaths(sub, api, mode, decide, decide(sub));
    const views = inner.cases.length > 0 ? inner.cases : [{ when: '', site: sub, decision: inner.decision }];
    for (const view of views) {
      // An autocast where the backend runs and one where it only may (q's dtype open) are two cases.
      const key = `${view.when}|${outcomeKey(view.decision)}|${view.decision.outcome === 'depends'}`;
      const had = merged.get(key);
      if (had) had.values.push(value); else merged.set(key, { values: [value], inner: view.when, view });
    }
  }
  // A case that holds under every autocast the paths ran under needs no words for it.
  const cases = [...merged.values()].map(({ values, inner, view }) => {
    const words = values.length === byValue.size ? '' : autocastWords(values);
    return { ...view, when: words && inner ? jointWhen(words, inner) : words || inner };
  });
  return cases.length > 1 ? { decision: joined, cases } : { decision: cases[0]!.decision, cases: [] };
}

/**
 * A verdict that waits on whether a mask is passed, per kind of mask, and one that waits on an
 * unknown head size, per range of head sizes (within each kind); where every case does the same, that verdict.
 */
function perUnknown(site: ModeSite, decision: Decision, decide: Decide): ModeDecision {
  const outcomes = outcomesByLength(site, decide);
  const masks = byMaskKind(site.facts, site.observations, decision, (facts) => decide({ ...site, facts }), (a, b) => outcomes(a) === outcomes(b));
  if (!masks) return perHeadSize(site, decision, decide);
  if (masks.cases.length === 0) return perHeadSize({ ...site, facts: masks.facts }, masks.decision, decide);
  const cases = masks.cases.flatMap((c): CaseView[] => {
    const caseSite: ModeSite = { ...site, facts: c.facts };
    const sizes = perHeadSize(caseSite, c.decision, decide);
    return sizes.cases.length === 0 ? [{ when: c.when, site: caseSite, decision: sizes.decision }] : sizes.cases.map((s) => ({ ...s, when: jointWhen(c.when, s.when) }));
  });
  return { decision, cases };
}

/**
 * A verdict that waits on an unknown head size, per range of head sizes, and one that waits on an
 * unknown key length, per class of lengths (within each range); where every case does the same, that verdict.
 */
function perHeadSize(site: ModeSite, decision: Decision, decide: Decide): ModeDecision {
  const sizes = byHeadSize(site.facts, decision, (facts) => decide({ ...site, facts }), sameOutcome);
  if (!sizes) return perKeyLength(site, decision, decide);
  if (sizes.cases.length === 0) return perKeyLength(site, sizes.decision, decide);
  const cases = sizes.cases.flatMap((c): CaseView[] => {
    // The lengths decided at a size of the case's range, in its words.
    const lengths = perKeyLength({ ...site, facts: c.facts }, c.decision, (s) => renamed(decide(s), c.names));
    return lengths.cases.length === 0 ? [{ when: c.when, site, decision: lengths.decision }] : lengths.cases.map((l) => ({ ...l, when: jointWhen(c.when, l.when) }));
  });
  return { decision: sizes.decision, cases };
}

/** A verdict that waits on an unknown key length, per class of lengths; where every class does the same, that verdict. */
function perKeyLength(site: ModeSite, decision: Decision, decide: Decide): ModeDecision {
  const lengths = byKeyLength(site.facts, decision, (facts) => decide({ ...site, facts }), sameOutcome);
  if (!lengths) return { decision, cases: [] };
  return { decision: lengths.decision, cases: lengths.cases.map((c) => ({ when: c.when, site, decision: c.decision })) };
}

/**
 * What a kind of mask does at every key length, as a key: two kinds do alike where theirs are equal (a
 * None mask runs xformers' CUTLASS kernel at any length, a tensor bias only at aligned ones). Each
 * kind's is worked out once, however many others it is compared with.
 */
function outcomesByLength(site: ModeSite, decide: Decide): (x: Decided) => string {
  const known = new Map<Decided, string>();
  return (x) => {
    let key = known.get(x);
    if (key === undefined) {
      const lengths = perKeyLength({ ...site, facts: x.facts }, x.decision, decide);
      key = lengths.cases.length === 0 ? outcomeKey(lengths.decision) : lengths.cases.map((c) => `${c.when}:${outcomeKey(c.decision)}`).join('\n');
      known.set(x, key);
    }
    return key;
  };
}

function sameOutcome(a: Decision, b: Decision): boolean {
  return outcomeKey(a) === outcomeKey(b);
}
