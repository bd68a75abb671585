/**
 * A plain aligned text table in the style of table.txt: `a | b | c`, a dashed rule under the
 * header. Columns listed in `left` are left-aligned, the others (numbers) right-aligned.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], left: readonly number[] = [0], indent = ''): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent + cells.map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ').trimEnd();
  return [line(header), indent + widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
