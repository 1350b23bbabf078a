/**
 * Decisions of the cases of one unknown (a range of head sizes, a kind of mask) grouped by what the
 * call does there, and the one that speaks for each group.
 */
import type { Decision } from '../../../runtime/dispatch/decision';

/** `items` in groups of alike outcome (by what `keyOf` gives of them), in the order each group first appears. */
export function groupAlike<T, K>(items: readonly T[], keyOf: (item: T) => K, alike: (a: K, b: K) => boolean): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const group = groups.find((g) => alike(keyOf(g[0]!), keyOf(item)));
    if (group) group.push(item); else groups.push([item]);
  }
  return groups;
}

/** A group's member to speak for it: where some only may take its backend, the first of those (it says on what); else the first. */
export function spokesman<T>(group: readonly T[], decisionOf: (item: T) => Decision): T {
  return group.find((item) => decisionOf(item).outcome === 'depends') ?? group[0]!;
}
