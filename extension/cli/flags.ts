/**
 * Typed flag values for the subcommands, over node's `util.parseArgs`. Every error is a
 * UsageError naming the flag and the bad value; main.ts turns it into exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, with its errors (unknown flag, missing value) as UsageErrors. */
export function parseFlags<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer, got '${value}'`);
  return n;
}

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** A comma-separated list of allowed names, at least one, no repeats. */
export function listOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${flag} must be a comma-separated list of ${allowed.join(', ')}, got '${value}'`);
  const list = items.map((item) => oneOf(flag, item, allowed));
  const repeated = list.find((item, i) => list.indexOf(item) !== i);
  if (repeated) throw new UsageError(`--${flag} lists '${repeated}' twice`);
  return list;
}
