/** Plain-text tables for the CLI and the benchmark scripts: columns padded to their widest cell. */

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Milliseconds with three significant digits (0.0412, 4.12, 412). */
export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
