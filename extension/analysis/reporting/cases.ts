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
import type { AttentionApi, CallFacts, Mode } from '../../../runtime/dispatch/facts';
import { caseSite, type ModeSite } from '../call-facts/call-sites';
import { OPTIONAL_LIBRARIES, type Observation, type OptionalLibrary } from '../values/state';
import { textOf } from '../syntax/syntax';
import { byHeadSize } from './head-size-cases';

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

interface Single {
  readonly observation: Observation;
  readonly facts: CallFacts;
  readonly decision: Decision;
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
  if (site.observations.length < 2) return perHeadSize(site, joined, decide);
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
    const one = representative(list[0]!);
    return joined.outcome === 'depends' ? perHeadSize({ ...site, facts: one.facts }, one.decision, decide) : { decision: joined, cases: [] };
  }
  const labels = caseLabels(list);
  if (!labels) return perHeadSize(site, joined, decide);
  const ordered = list.map((group, i) => ({ group, when: labels[i]! })).sort(caseOrder);
  const cases = ordered.flatMap(({ group, when }): CaseView[] => {
    // The paths of a case decide alike: one's facts and decision are the case's (the join of their
    // facts may leave open what no one of them does: float16 on one path, bfloat16 on another).
    const one = representative(group);
    const caseView: CaseView = { when, site: { ...caseSite(site, api, mode, group.map((s) => s.observation)), facts: one.facts }, decision: one.decision };
    const sizes = perHeadSize(caseView.site, caseView.decision, decide);
    return sizes.cases.length === 0 ? [{ ...caseView, decision: sizes.decision }] : sizes.cases.map((c) => ({ ...c, when: jointWhen(when, c.when) }));
  });
  return { decision: joined, cases };
}

/**
 * A case within a case, in words: `if flash_attn is installed and \`D\` is ≤ 256` where both are
 * conditions, else the two side by side (`without autocast, if \`D\` is ≤ 256`).
 */
function jointWhen(outer: string, inner: string): string {
  const last = outer.split(', ').pop()!;
  return last.startsWith('if ') && inner.startsWith('if ') ? `${outer} and ${inner.slice(3)}` : `${outer}, ${inner}`;
}

/** A verdict that waits on an unknown head size, per range of head sizes; where every range does the same, that verdict. */
function perHeadSize(site: ModeSite, decision: Decision, decide: Decide): ModeDecision {
  const sizes = byHeadSize(site.facts, decision, (facts) => decide({ ...site, facts }), (a, b) => outcomeKey(a) === outcomeKey(b));
  if (!sizes) return { decision, cases: [] };
  return { decision: sizes.decision, cases: sizes.cases.map((c) => ({ when: c.when, site, decision: c.decision })) };
}

/**
 * A fact a case may be named by: its value on one path (undefined: not known there), and the
 * condition a set of values makes (undefined: no words for it).
 */
interface Feature {
  readonly value: (s: Single) => string | undefined;
  readonly when: (values: readonly string[]) => string | undefined;
}

function autocastFeature(): Feature {
  return {
    value: (s) => (s.observation.ctx.autocast.known ? String(s.observation.ctx.autocast.value) : undefined),
    when: (values) => {
      const dtypes = values.filter((v) => v !== 'null');
      const parts = [...(values.includes('null') ? ['without autocast'] : []), ...(dtypes.length > 0 ? [`under ${dtypes.join(' or ')} autocast`] : [])];
      return parts.join(' or ');
    },
  };
}

function libraryFeature(lib: (typeof OPTIONAL_LIBRARIES)[number]): Feature {
  return {
    value: (s) => { const v = s.observation.installed[lib]; return v === undefined ? undefined : String(v.value); },
    when: (values) => (values.length === 1 ? `if ${lib} is ${values[0] === 'true' ? '' : 'not '}installed` : undefined),
  };
}

/** A condition some path assumed (`\`attn_mask\` is None`): the paths that assumed it. */
function assumedFeature(condition: string): Feature {
  return {
    value: (s) => String(s.observation.assumed.includes(condition)),
    when: (values) => (values.length === 1 && values[0] === 'true' ? `if ${condition}` : undefined),
  };
}

const MASK_WORDS: Readonly<Record<string, string>> = { none: 'None', bool: 'a bool tensor', float: 'a float tensor', library: 'a mask object' };

function maskFeature(): Feature {
  let name = 'the mask';
  return {
    value: (s) => {
      const node = s.observation.args.mask?.node ?? s.observation.args.keyPaddingMask?.node;
      const text = node ? textOf(node) : '';
      if (text !== '' && text.length <= 30 && !text.includes('\n')) name = `\`${text}\``;
      return s.facts.mask.kind.known ? s.facts.mask.kind.value : undefined;
    },
    when: (values) => `if ${name} is ${orWords(values.map((v) => MASK_WORDS[v] ?? v))}`,
  };
}

function factFeature(fact: (f: CallFacts) => { known: boolean; value?: unknown }, name: string): Feature {
  return {
    value: (s) => { const f = fact(s.facts); return f.known ? String(f.value) : undefined; },
    when: (values) => `if ${name} is ${orWords(values)}`,
  };
}

function dropoutFeature(): Feature {
  return {
    value: (s) => (s.facts.dropout.known ? String(s.facts.dropout.value > 0) : undefined),
    when: (values) => (values.length === 1 ? (values[0] === 'true' ? 'with dropout' : 'without dropout') : undefined),
  };
}

/** The facts to name cases by, in the order tried. */
function features(groups: readonly (readonly Single[])[]): Feature[] {
  const conditions = [...new Set(groups.flat().flatMap((s) => s.observation.assumed))];
  return [
    autocastFeature(),
    ...OPTIONAL_LIBRARIES.map(libraryFeature),
    ...conditions.map(assumedFeature),
    maskFeature(),
    factFeature((f) => f.dtypes.q, 'q'),
    factFeature((f) => f.causal, 'is_causal'),
    dropoutFeature(),
  ];
}

/** A condition per group that holds on its paths and on no other group's; undefined when one has none. */
function caseLabels(groups: readonly (readonly Single[])[]): string[] | undefined {
  const all = features(groups);
  const labels: string[] = [];
  for (const [i, group] of groups.entries()) {
    const others = groups.filter((_, j) => j !== i).flat();
    const label = all.map((f) => separating(f, group, others)).find((w) => w !== undefined);
    if (label === undefined) return undefined;
    labels.push(label);
  }
  return labels;
}

/** "a", "a or b", "a, b or c". */
function orWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Values in a stable order: the autocast cases as AUTOCAST_CASES lists them, anything else by name. */
const ORDER = ['null', 'float16', 'bfloat16'];
function ordered(values: Iterable<string>): string[] {
  const rank = (v: string): number => { const i = ORDER.indexOf(v); return i < 0 ? ORDER.length : i; };
  return [...values].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function separating(f: Feature, group: readonly Single[], others: readonly Single[]): string | undefined {
  const values = group.map(f.value);
  if (values.some((v) => v === undefined)) return undefined;
  const mine = ordered(new Set(values as string[]));
  const theirs = new Set(others.map(f.value));
  return mine.some((v) => theirs.has(v)) ? undefined : f.when(mine);
}
