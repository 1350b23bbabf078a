/**
 * Command-line argument parsing shared by the subcommands: node's `util.parseArgs` plus value
 * checkers. Every failure is a UsageError whose message names the flag and the bad value, so
 * `main` can print it and exit 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad command-line input: printed as is, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Strict parse: unknown flags, missing values and wrong value types become UsageErrors. */
export function parseCommandLine<const O extends OptionsConfig>(args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (err) {
    throw new UsageError(parseFailure(err, Object.keys(options)));
  }
}

/**
 * Node's own words, except for an unknown option: node explains how to pass it as a positional
 * argument after `--` (which no subcommand wants, and its message lacks a closing quote); ours
 * names it and the option it is probably a typo of.
 */
function parseFailure(err: unknown, known: readonly string[]): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '([^']*)'/.exec(message)?.[1] : undefined;
  if (unknown === undefined) return message;
  const near = known.find((name) => editDistance(unknown.replace(/^-+/, ''), name) <= Math.min(2, name.length - 1));
  return `unknown option '${unknown}'${near === undefined ? '' : ` (did you mean --${near}?)`}`;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** `value` must be one of `allowed`. */
export function parseChoice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag}: '${value}' is not one of ${allowed.join(', ')}`);
}

/** A comma-separated list, each item one of `allowed`; empty items are ignored. */
export function parseChoiceList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.map((item) => parseChoice(flag, item, allowed));
}

/** `value` must be a positive integer in decimal digits. */
export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (/^\d+$/.test(value) && Number.isSafeInteger(n) && n >= 1) return n;
  throw new UsageError(`--${flag}: '${value}' is not a positive integer`);
}
