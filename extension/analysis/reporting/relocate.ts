/**
 * Reports kept across edits, moved to where their statements are now: spans follow the nodes they
 * were taken from, line marks in messages become the current line numbers and file marks the
 * files' current labels (file-labels.ts). Unchanged parts are shared, not copied.
 */
import type { Span } from '../report';
import type { Unit } from '../syntax/syntax';
import { fileName, type FileLabels } from '../syntax/file-labels';
import { currentSpan, resolveLineMarks, spanUnit } from '../syntax/positions';

function isSpan(v: object): v is Span {
  return 'line' in v && 'endColumn' in v && typeof (v as Span).line === 'number';
}

/** Maps the spans and strings of plain report data (objects, arrays, strings, numbers), sharing what is unchanged. */
export function mapReport(value: unknown, onSpan: (s: Span) => Span, onString: (s: string) => string): unknown {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return onString(v);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const y = walk(v[i]);
        if (y !== v[i]) (copy ??= [...v])[i] = y;
      }
      return copy ?? v;
    }
    if (isSpan(v)) return onSpan(v);
    let copy: Record<string, unknown> | null = null;
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      const y = walk(x);
      if (y !== x) (copy ??= { ...v })[k] = y;
    }
    return copy ?? v;
  };
  return walk(value);
}

/**
 * A report kept across edits: placed once (its line marks resolved, the statements it refers to
 * noted, its file marks named by the labels of the files open then, the files noted), and placed
 * again only when one of those statements has moved since or one of those files is named otherwise
 * (a file of the same name opened or closed); so an inserted line costs a look at a few rows per
 * report, and a walk only of the reports below it.
 */
export class PlacedReport<T> {
  private readonly units: readonly Unit[];
  private readonly paths: readonly string[];
  private rows: number[];
  private names: string[];
  private placed: T;

  constructor(private readonly raw: T, labels: FileLabels = fileName) {
    const units = new Set<Unit>();
    const paths = new Set<string>();
    const note = (u: Unit | undefined): void => { if (u) units.add(u); };
    const reading = { labels, onUnit: note, onPath: (p: string) => paths.add(p) };
    this.placed = mapReport(raw, (s) => { note(spanUnit(s)); return s; }, (t) => resolveLineMarks(t, reading)) as T;
    this.units = [...units];
    this.paths = [...paths];
    this.rows = this.units.map((u) => u.baseRow);
    this.names = this.paths.map(labels);
  }

  /** The report as it reads now, its files named by `labels` (the files open now). */
  current(labels: FileLabels = fileName): T {
    if (this.units.some((u, i) => u.baseRow !== this.rows[i]) || this.paths.some((p, i) => labels(p) !== this.names[i])) {
      this.placed = mapReport(this.raw, currentSpan, (t) => resolveLineMarks(t, { labels })) as T;
      this.rows = this.units.map((u) => u.baseRow);
      this.names = this.paths.map(labels);
    }
    return this.placed;
  }
}
