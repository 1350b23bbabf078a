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
  for (let merged = resolveOnce(sets); merged; merged = resolveOnce(sets)) sets = merged;
  if (sets.some((s) => s.size === 0)) return [];
  const minimal = sets.filter((s) => !sets.some((t) => t !== s && t.size < s.size && [...t].every((c) => s.has(c))));
  return minimal.map((s) => [...s].join(' and '));
}
