// Plain-text tables for the terminal: left-aligned first column, right-aligned numbers.

export function renderTable(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return (
    [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n') + '\n'
  );
}

/** Markdown table (for docs/benchmarks.md). */
export function renderMarkdown(headers, rows) {
  const cell = (c) => (c === null || c === undefined ? '' : String(c).replace(/\|/g, '\\|'));
  const out = [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
  return out.join('\n') + '\n';
}

export function fmtSeconds(s) {
  if (s === null || s === undefined) return 'n/a';
  if (s < 0.1) return s.toFixed(3);
  if (s < 10) return s.toFixed(2);
  return s.toFixed(1);
}

export function fmtRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return 'n/a';
  return r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
