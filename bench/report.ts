import { higherIsBetter, type Row } from './results.js';
import type { ServerKind } from './targets.js';

const SERVERS: ServerKind[] = ['ours', 'ngircd', 'inspircd'];

const show = (v: number | string | undefined): string =>
  v === undefined ? '' : typeof v === 'string' ? v : Number.isNaN(v) ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Rows of cells as an aligned plain-text table, or as Markdown. */
function table(head: string[], body: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** One table per workload with every metric of every server. */
export function detailTables(rows: Row[], markdown: boolean): string {
  const out: string[] = [];
  for (const workload of [...new Set(rows.map((r) => r.workload))]) {
    const mine = rows.filter((r) => r.workload === workload);
    const keys = [...new Set(mine.flatMap((r) => Object.keys(r.metrics)))];
    const body = mine.map((r) => [r.case, r.server, ...keys.map((k) => show(r.metrics[k])), r.note ?? '']);
    out.push(`${markdown ? '### ' : '== '}${workload}`, '', table(['case', 'server', ...keys, 'note'], body, markdown), '');
  }
  return out.join('\n');
}

const ratio = (ours: number | string | undefined, theirs: number | string | undefined): string =>
  typeof ours === 'number' && typeof theirs === 'number' && theirs !== 0 && Number.isFinite(ours / theirs) ? `${(ours / theirs).toFixed(2)}×` : 'n/a';

/**
 * The side-by-side table: each compared metric of each case, ours and each peer's value, and
 * ours/theirs from the same run. The last column says which way is better.
 */
export function comparisonTable(rows: Row[], markdown: boolean): string {
  const peers = SERVERS.filter((s) => s !== 'ours' && rows.some((r) => r.server === s));
  const head = ['workload', 'case', 'metric', 'ours', ...peers.flatMap((p) => [p, `ours/${p}`]), 'better'];
  const body: string[][] = [];
  const cases = [...new Map(rows.map((r) => [`${r.workload}\u0000${r.case}`, r])).values()];
  for (const first of cases) {
    const same = rows.filter((r) => r.workload === first.workload && r.case === first.case);
    const ours = same.find((r) => r.server === 'ours');
    for (const metric of first.compare) {
      const cells = peers.flatMap((p) => {
        const theirs = same.find((r) => r.server === p);
        return [show(theirs?.metrics[metric]) || 'n/a', ratio(ours?.metrics[metric], theirs?.metrics[metric])];
      });
      body.push([first.workload, first.case, metric, show(ours?.metrics[metric]) || 'n/a', ...cells, higherIsBetter(metric) ? 'higher' : 'lower']);
    }
  }
  return table(head, body, markdown);
}
