/**
 * Internal errors of the analysis, confined to where they happen: a function, a construction, a
 * module's top level, a call site or a whole file loses its facts, and everything else is reported.
 * Each becomes an `internal-error` entry of its file's report (report.ts), never an aborted run.
 */
import type { SyntaxNode } from '../syntax/syntax';

export interface InternalError {
  readonly path: string;
  /** The syntax whose analysis failed (a function's definition, a call); null for a whole file. */
  readonly node: SyntaxNode | null;
  /** What was being done: "analysing `Block.forward`". */
  readonly during: string;
  /** The exception's message (its class name first, as JavaScript prints it). */
  readonly message: string;
}

/** `RangeError: Maximum call stack size exceeded`: an exception as one line. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0]!;
  return String(err).split('\n')[0]!;
}
