import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartSvg } from './chart.js';
import { higherIsBetter, type Row } from './results.js';
import type { Outcome } from './runner.js';
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

const value = (row: Row | undefined, metric: string): string => {
  const shown = show(row?.metrics[metric]) || 'n/a';
  return bounded(row, metric) ? `≥ ${shown}` : shown;
};

const bounded = (row: Row | undefined, metric: string): boolean => row?.atLeast?.includes(metric) === true;

/** A ratio to a lower bound is a bound itself: "≤" when theirs is one, "≥" when ours is. */
function boundedRatio(ours: Row | undefined, theirs: Row | undefined, metric: string): string {
  const r = ratio(ours?.metrics[metric], theirs?.metrics[metric]);
  const [mine, their] = [bounded(ours, metric), bounded(theirs, metric)];
  if (r === 'n/a' || mine === their) return mine ? `${r} (both lower bounds)` : r;
  return `${their ? '≤' : '≥'} ${r}`;
}

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
        return [value(theirs, metric), boundedRatio(ours, theirs, metric)];
      });
      body.push([first.workload, first.case, metric, value(ours, metric), ...cells, higherIsBetter(metric) ? 'higher' : 'lower']);
    }
  }
  return table(head, body, markdown);
}

/** Writes latest.json, latest.md and (with ramps) chart.svg into `out`. */
export function writeResults(out: string, outcome: Outcome, started: Date, notes: string[], argv: string[]): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ started: started.toISOString(), argv, notes, ...outcome }, null, 2)}\n`);
  const md = [
    `# Benchmark results, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`npm run bench -- ${argv.join(' ')}\``,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    '## Ours / theirs',
    '',
    comparisonTable(outcome.rows, true),
    '',
    '## All figures',
    '',
    detailTables(outcome.rows, true),
    ...(outcome.skipped.length ? ['## Left out', '', ...outcome.skipped.map((s) => `- ${s}`), ''] : []),
  ];
  if (outcome.ramps.length) {
    writeFileSync(join(out, 'chart.svg'), chartSvg(outcome.ramps));
    md.push('## Saturation ramps', '', '![deliveries/s and p99 latency against offered load](chart.svg)', '');
  }
  writeFileSync(join(out, 'latest.md'), `${md.join('\n')}\n`);
}
