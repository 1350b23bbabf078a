/**
 * Valid Python the tree-sitter-python grammar (0.25) does not parse, recognised in the text of the
 * statement it rejects, so that the report says the parser, not the user's code, is at fault.
 */

/** The head of a statement whose value may be a tuple without brackets: `return`, `yield`, `a, b =`. */
const HEAD = String.raw`^\s*(?:return|yield|[\w.\[\], ]+?\s*=)\s*`;

/**
 * An unpacked item written `*(…)` or `*[…]` in a tuple without brackets (`return name, *(int(x) for x
 * in xs)`, `a = *[b], c`): valid since Python 3.8; the grammar takes only a name or a call after the `*`.
 */
const STARRED_IN_BARE_TUPLE = [new RegExp(`${HEAD}[^#]*,\\s*\\*\\s*[([]`), new RegExp(`${HEAD}\\*\\s*[([][^#]*,`)];

/** What the parser cannot read in a statement it rejected (its first line), if it is a known gap. */
export function grammarGap(statement: string): string | undefined {
  return STARRED_IN_BARE_TUPLE.some((re) => re.test(statement))
    ? 'tree-sitter-python cannot parse `*(…)` or `*[…]` in a tuple without brackets (valid Python since 3.8)'
    : undefined;
}
