/**
 * What `bench:corpus` counts in a directory's analysis, read from the `attnlens check --format json`
 * report (docs/check.md) so anyone can recount it from that output. Pure.
 *
 * A **path verdict** is one call on one path (`modes.train`, `modes.infer`): two per call. Each is
 * - `not reached`: `reached` is false;
 * - `depends`: otherwise, when its `depends` is true (a `why` reason, or a case's, starts with
 *   "depends on"): which backend runs, or whether the call raises, hinges on a fact the source
 *   does not establish (the lens shows `flash? (depends on …)`);
 * - `decided`: otherwise: a backend runs, or the call raises, on every case.
 * Separately, a verdict whose `reached` is null has an **unknown reach**: some path reaches the
 * call only under assumptions (`assumed`, shown as `[if flash_attn is installed]`), whatever its
 * backend.
 */
import type { JsonMode, JsonReport } from '../../extension/cli/format/json';

export type PathVerdictKind = 'not reached' | 'depends' | 'decided';

export interface ReportCounts {
  readonly calls: number;
  readonly parseErrors: number;
  /** Places whose analysis failed (`internal_errors`; the rest of the report stands). */
  readonly internalErrors: number;
  /** Two per call; the next three count them by kind. */
  readonly pathVerdicts: number;
  readonly notReached: number;
  readonly depends: number;
  readonly decided: number;
  /** Path verdicts with `reached: null`. */
  readonly reachUnknown: number;
}

export function pathVerdictKind(mode: JsonMode): PathVerdictKind {
  if (mode.reached === false) return 'not reached';
  return mode.depends ? 'depends' : 'decided';
}

export function countReport(report: JsonReport): ReportCounts {
  const modes = report.files.flatMap((file) => file.calls.flatMap((call) => [call.modes.train, call.modes.infer]));
  const kinds = modes.map(pathVerdictKind);
  const ofKind = (kind: PathVerdictKind) => kinds.filter((k) => k === kind).length;
  return {
    calls: report.files.reduce((n, file) => n + file.calls.length, 0),
    parseErrors: report.files.reduce((n, file) => n + file.parse_errors.length, 0),
    internalErrors: report.files.reduce((n, file) => n + file.internal_errors.length, 0),
    pathVerdicts: modes.length,
    notReached: ofKind('not reached'),
    depends: ofKind('depends'),
    decided: ofKind('decided'),
    reachUnknown: modes.filter((mode) => mode.reached === null).length,
  };
}

/** Lines as an editor numbers them: a final line without its newline counts, an empty file has none. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let newlines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
  return text.endsWith('\n') ? newlines : newlines + 1;
}
