/**
 * Observations → one record per attention call site, with what each path kind (training,
 * inference) does there: whether it is reached, and the facts on the paths that reach it.
 */
import type { AttentionApi, CallFacts, Mode } from '../../../runtime/dispatch/facts';
import { alternatives } from '../values/assumptions';
import { callFacts } from './call-facts';
import { onPathWhy, OPTIONAL_LIBRARIES, type Guard, type InstalledOnPath, type Observation } from '../values/state';
import { textOf, type SyntaxNode } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import type { Span } from '../report';
import { errorText, type InternalError } from '../values/internal-errors';

export interface ModeSite {
  /** true: a path of this kind reaches the call; false: none does; null: only on assumptions. */
  readonly reached: boolean | null;
  readonly facts: CallFacts;
  /** The observations the facts were joined from. */
  readonly observations: readonly Observation[];
  /** When no path of this kind reaches the call: the gate that rules it out, if one does. */
  readonly deadBy: Guard | null;
  /** Conditions the reaching paths had to assume (`flash_attn is installed`). */
  /**
   * When only assumptions reach the call: the paths that do, each as the conditions it assumes
   * joined by `and` (any one path reaches the call; a path whose conditions include another's is left out).
   */
  readonly assumed: readonly string[];
  /** Optional libraries every path reaching the call assumed installed or not. */
  readonly installed: InstalledOnPath;
}

export interface CallSite {
  readonly path: string;
  readonly node: SyntaxNode;
  readonly span: Span;
  readonly api: AttentionApi;
  readonly apiText: string;
  readonly function: string | null;
  readonly modes: { readonly train: ModeSite; readonly infer: ModeSite };
}

const MODES: readonly Mode[] = ['train', 'infer'];

/**
 * `unresolved`: a call of a module of unknown class on an established path of this kind (`model:
 * nn.Module`), which may run any forward, so "callers establish only the other kind" proves nothing.
 */
function modeSite(mode: Mode, all: readonly Observation[], api: AttentionApi, unresolved: string | undefined): ModeSite {
  // Paths some caller established outrank the ones analysed on assumption; when callers establish
  // only the other path kind, this one is not reached, and its facts come from the assumed analysis.
  const real = all.filter((o) => !o.ctx.modeAssumed);
  // A model load configures the model for both path kinds, whichever one built it (a constructor runs in training).
  const anyMode = api === 'from_pretrained';
  const inMode = (o: Observation): boolean => anyMode || o.ctx.mode.value === mode;
  const ofMode = (list: readonly Observation[]): Observation[] => list.filter(inMode);
  const alive = (list: readonly Observation[]): Observation[] => list.filter((o) => !o.dead);
  const open = unresolved !== undefined && ofMode(real).length === 0;
  // What says whether this kind reaches the call: established paths first, then assumed ones from
  // functions nobody calls (they stand for callers the files do not show); a mirror run only supplies facts.
  const evidence = all.filter((o) => !o.ctx.modeAssumed || !o.ctx.mirror || open);
  const tiers = [alive(ofMode(real)), ofMode(real), alive(ofMode(evidence)), ofMode(evidence), ofMode(all), real, all];
  const chosen = tiers.find((t) => t.length > 0)!;
  const c = chosen[0];
  const counts = evidence.includes(c);
  const reachedHere = inMode(c) && !c.dead && counts;
  const paths = alternatives(chosen.map((o) => o.assumed));
  const reached = !reachedHere ? false : c.ctx.modeAssumed ? null : paths.length === 0 ? true : null;
  const deadBy = inMode(c) && c.dead && counts ? c.dead : null;
  const assumed = reached !== null ? [] : !open ? paths : paths.length === 0 ? [unresolved!] : paths.map((p) => `${unresolved} and ${p}`);
  return { reached, facts: callFacts(api, mode, chosen), observations: chosen, deadBy, assumed, installed: commonInstalled(chosen) };
}

/** The same path kind at a call on some of its observations only: one case of an unknown (reporting/cases.ts). */
export function caseSite(site: ModeSite, api: AttentionApi, mode: Mode, observations: readonly Observation[]): ModeSite {
  return { ...site, facts: callFacts(api, mode, observations), observations, installed: commonInstalled(observations) };
}

/** What every one of the observations' paths assumed about each optional library, where they agree. */
function commonInstalled(observations: readonly Observation[]): InstalledOnPath {
  const out: InstalledOnPath = {};
  for (const lib of OPTIONAL_LIBRARIES) {
    const first = observations[0]?.installed[lib];
    if (first === undefined || !observations.every((o) => o.installed[lib]?.value === first.value)) continue;
    out[lib] = observations.every((o) => o.installed[lib]?.why === first.why) ? first : { value: first.value, why: onPathWhy(lib, first.value) };
  }
  return out;
}

/**
 * Sites of a previous run by call node and API (a call of a choice between two library functions,
 * `attn = flash_attn_func if … else F.scaled_dot_product_attention`, is a site of each), reused when
 * a site's observations are the very same objects (and the unresolved module calls the same).
 */
export type SiteCache = Map<SyntaxNode, Map<AttentionApi, { readonly observations: readonly Observation[]; readonly unresolved: string; readonly site: CallSite }>>;

function sameObservations(a: readonly Observation[], b: readonly Observation[]): boolean {
  return a.length === b.length && a.every((o, i) => o === b[i]);
}

/**
 * Group observations by call site (in source order); `cache` is read and refreshed. `unresolved`: per
 * path kind, a call of a module of unknown class that an established path makes. A site whose facts
 * cannot be joined is left out, its error added to `failures`.
 */
export function callSites(observations: readonly Observation[], cache: SiteCache = new Map(), unresolved: ReadonlyMap<Mode, string> = new Map(), failures: InternalError[] = []): CallSite[] {
  const bySite = new Map<SyntaxNode, Map<AttentionApi, Observation[]>>();
  for (const o of observations) {
    let byApi = bySite.get(o.site);
    if (!byApi) bySite.set(o.site, byApi = new Map());
    const list = byApi.get(o.api);
    if (list) list.push(o); else byApi.set(o.api, [o]);
  }
  const sites: CallSite[] = [];
  const previous = new Map(cache);
  cache.clear();
  const unresolvedKey = MODES.map((m) => unresolved.get(m) ?? '').join('\n');
  for (const [node, byApi] of bySite) {
    const kept = new Map<AttentionApi, { readonly observations: readonly Observation[]; readonly unresolved: string; readonly site: CallSite }>();
    cache.set(node, kept);
    for (const [api, obs] of byApi) {
      const reused = previous.get(node)?.get(api);
      if (reused && reused.unresolved === unresolvedKey && sameObservations(reused.observations, obs)) {
        kept.set(api, reused);
        sites.push(reused.site);
        continue;
      }
      const { apiText, fn } = obs[0];
      let train: ModeSite; let infer: ModeSite;
      try {
        [train, infer] = MODES.map((m) => modeSite(m, obs, api, unresolved.get(m)));
      } catch (err) {
        failures.push({ path: fn.path, node, during: `joining the facts of \`${apiText || textOf(node)}\``, message: errorText(err) });
        continue;
      }
      const site: CallSite = {
        path: fn.path, node, api, apiText: apiText || textOf(node),
        function: fn.qualName === '<module>' ? null : fn.qualName, modes: { train, infer },
        // A site is kept while its observations are; its statement may have moved since.
        get span() { return spanOf(node); },
      };
      kept.set(api, { observations: obs, unresolved: unresolvedKey, site });
      sites.push(site);
    }
  }
  return sites.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1
    : a.span.line - b.span.line || a.span.column - b.span.column || (a.api < b.api ? -1 : a.api > b.api ? 1 : 0)));
}

