/**
 * The limits of one interpretation, so that no input, however it is written, costs more than bounded
 * work. Where a limit is reached, what the analysis would have computed there is unknown, and the
 * reason says "analysis budget" (it reaches the annotations as "depends on … (analysis budget: …)").
 */

/** Invocations and constructions under way at once (a call chain of wrappers, a module that builds copies of itself). */
export const MAX_CALL_DEPTH = 24;

/**
 * Statements run from one entry point (a function nobody calls, a module's top level), callees
 * included; a reused (memoised) invocation costs nothing.
 */
export const MAX_STEPS_PER_ENTRY = 200_000;

/** Items of a list, tuple or dict literal read one by one; a longer literal (a table of numbers) is unknown, unread. */
export const MAX_LITERAL_ITEMS = 256;

export function literalTooLong(items: number, where: string): string {
  return `a literal of ${items.toLocaleString('en-US')} items at ${where} (analysis budget: literals of more than ${MAX_LITERAL_ITEMS} items are not read)`;
}

export function depthExceeded(what: string): string {
  return `${what} (analysis budget: calls nested deeper than ${MAX_CALL_DEPTH})`;
}

export function stepsExceeded(entry: string): string {
  return `analysis budget: more than ${MAX_STEPS_PER_ENTRY.toLocaleString('en-US')} statements run from ${entry}`;
}
