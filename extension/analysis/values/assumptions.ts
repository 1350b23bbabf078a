/**
 * The conditions a path assumes, as text (`flash_attn is installed`, `mask is not None`,
 * `not (q.dtype == torch.float32)`), and the paths that reach a call as alternatives of them.
 */

const POSITIVE = /^(.*) is (installed|None)$/;
const NEGATIVE = /^(.*) is not (installed|None)$/;
const NOT = /^not \((.*)\)$/s;

/** `flash_attn is installed` → `flash_attn is not installed`; `x is None` → `x is not None`; else `not (…)`. */
export function negatedText(text: string): string {
  const m = POSITIVE.exec(text);
  return m ? `${m[1]} is not ${m[2]}` : `not (${text})`;
}

/** The condition that holds exactly when `text` does not (undoes `negatedText`). */
function complementOf(text: string): string {
  const negative = NEGATIVE.exec(text);
  if (negative) return `${negative[1]} is ${negative[2]}`;
  const not = NOT.exec(text);
  return not ? not[1]! : negatedText(text);
}

/**
 * The conditions that name the values of one unknown with a few (`` `kernel` of Net is "fused" ``,
 * `` … is "eager" ``; value-cases.ts), by each one's text: exactly one holds. Registered as they are
 * made; a text names its unknown and class, so it belongs to one group.
 */
const CASE_GROUPS = new Map<string, readonly string[]>();

export function registerCaseGroup(texts: readonly string[]): void {
  for (const text of texts) if (!CASE_GROUPS.has(text)) CASE_GROUPS.set(text, texts);
}

/** (X and v1) or … or (X and vn), v1…vn every value of one unknown, is X: the paths that differ only in which value it takes, merged. */
function resolveCases(sets: Set<string>[]): Set<string>[] | null {
  const keys = new Map(sets.map((s) => [[...s].sort().join('\u0000'), s] as const));
  for (const s of sets) {
    for (const c of s) {
      const group = CASE_GROUPS.get(c);
      if (!group) continue;
      const rest = [...s].filter((x) => x !== c);
      const members = group.map((g) => keys.get([...rest, g].sort().join('\u0000')));
      if (members.every((m) => m !== undefined)) return [...sets.filter((x) => !members.includes(x)), new Set(rest)];
    }
  }
  return null;
}

/** (X and a) or (X and not a) is X: merges two paths that differ only in one condition's sign. */
function resolveOnce(sets: Set<string>[]): Set<string>[] | null {
  for (const [i, s] of sets.entries()) {
    for (const t of sets.slice(i + 1)) {
      if (s.size !== t.size) continue;
      const onlyS = [...s].filter((c) => !t.has(c));
      if (onlyS.length === 1 && t.has(complementOf(onlyS[0]!))) {
        const merged = new Set([...s].filter((c) => c !== onlyS[0]));
        return [...sets.filter((x) => x !== s && x !== t), merged];
      }
    }
  }
  return null;
}

/**
 * The paths reaching a call, as distinct sets of conditions each joined by `and`: paths that differ
 * only in one condition's sign are merged, and a set that includes another is left out (A or (A and
 * B) is A). Empty when some path needs no condition: the call is reached whatever holds.
 */
export function alternatives(paths: readonly (readonly string[])[]): string[] {
  let sets = [...new Map(paths.map((p) => [[...new Set(p)].sort().join('\u0000'), new Set(p)] as const)).values()];
  for (let merged = resolveOnce(sets) ?? resolveCases(sets); merged; merged = resolveOnce(sets) ?? resolveCases(sets)) sets = merged;
  if (sets.some((s) => s.size === 0)) return [];
  const minimal = sets.filter((s) => !sets.some((t) => t !== s && t.size < s.size && [...t].every((c) => s.has(c))));
  return minimal.map((s) => [...s].join(' and '));
}
