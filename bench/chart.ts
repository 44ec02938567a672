import type { Ramp } from './results.js';
import { P99_LIMIT_MS } from './workloads/saturation.js';

/** SVG of the saturation ramps: deliveries/s and p99 against offered deliveries/s, log-log. */
const W = 460;
const H = 320;
const M = { left: 64, right: 16, top: 36, bottom: 44 };
const COLORS: Record<string, string> = { ours: '#d62728', ngircd: '#1f77b4', inspircd: '#2ca02c' };
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

interface Axis {
  min: number;
  max: number;
}

function logAxis(values: number[]): Axis {
  const good = values.filter((v) => v > 0 && Number.isFinite(v));
  const min = 10 ** Math.floor(Math.log10(good.length ? Math.min(...good) : 1));
  const max = 10 ** Math.ceil(Math.log10(good.length ? Math.max(...good) : 10));
  return { min, max: max > min ? max : min * 10 };
}

const scale = (a: Axis, size: number, v: number) =>
  Math.round(((Math.log10(Math.max(v, a.min)) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min))) * size * 10) / 10;

const label = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));

function panel(ramps: Ramp[], x0: number, title: string, y: (s: Ramp['steps'][number]) => number, yUnit: string, limit?: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xs = logAxis(ramps.flatMap((r) => r.steps.map((s) => s.offeredPerSec)));
  const ys = logAxis([...ramps.flatMap((r) => r.steps.map(y)), ...(limit ? [limit] : [])]);
  const px = (v: number) => x0 + M.left + scale(xs, pw, v);
  const py = (v: number) => M.top + ph - scale(ys, ph, v);
  const out: string[] = [`<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-weight="bold">${title}</text>`];
  for (let v = xs.min; v <= xs.max; v *= 10) {
    out.push(`<line x1="${px(v)}" y1="${M.top}" x2="${px(v)}" y2="${M.top + ph}" stroke="#ddd"/>`, `<text x="${px(v)}" y="${M.top + ph + 16}" text-anchor="middle">${label(v)}</text>`);
  }
  for (let v = ys.min; v <= ys.max; v *= 10) {
    out.push(`<line x1="${x0 + M.left}" y1="${py(v)}" x2="${x0 + M.left + pw}" y2="${py(v)}" stroke="#ddd"/>`, `<text x="${x0 + M.left - 6}" y="${py(v) + 4}" text-anchor="end">${label(v)}</text>`);
  }
  out.push(
    `<text x="${x0 + M.left + pw / 2}" y="${H - 8}" text-anchor="middle">offered deliveries/s</text>`,
    `<text transform="translate(${x0 + 14} ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${yUnit}</text>`,
    `<rect x="${x0 + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
  );
  if (limit) out.push(`<line x1="${x0 + M.left}" y1="${py(limit)}" x2="${x0 + M.left + pw}" y2="${py(limit)}" stroke="#888" stroke-dasharray="4 4"/>`);
  const sizes = [...new Set(ramps.map((r) => r.clients))];
  for (const r of ramps) {
    const points = r.steps.filter((s) => y(s) > 0 && Number.isFinite(y(s))).map((s) => `${px(s.offeredPerSec).toFixed(1)},${py(y(s)).toFixed(1)}`);
    const style = `stroke="${COLORS[r.server]}" stroke-dasharray="${DASHES[sizes.indexOf(r.clients) % DASHES.length]}"`;
    out.push(`<polyline points="${points.join(' ')}" fill="none" stroke-width="2" ${style}/>`);
    for (const p of points) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${COLORS[r.server]}"/>`);
  }
  return out.join('\n');
}

export function chartSvg(ramps: Ramp[]): string {
  const sizes = [...new Set(ramps.map((r) => r.clients))];
  const legend = ramps.map((r, i) => {
    const y = H + 14 + i * 18;
    const dash = DASHES[sizes.indexOf(r.clients) % DASHES.length];
    const knee = r.knee === null ? 'no passing step' : `knee ${Math.round(r.knee).toLocaleString('en-US')}/s`;
    return `<line x1="${M.left}" y1="${y - 4}" x2="${M.left + 30}" y2="${y - 4}" stroke="${COLORS[r.server]}" stroke-width="2" stroke-dasharray="${dash}"/><text x="${M.left + 38}" y="${y}">${r.server}, ${r.clients} clients: ${knee}</text>`;
  });
  const height = H + 20 + ramps.length * 18;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${height}" viewBox="0 0 ${2 * W} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(ramps, 0, 'Deliveries/s vs offered load', (s) => s.deliveriesPerSec, 'deliveries/s'),
    panel(ramps, W, `p99 latency vs offered load (dashed: ${P99_LIMIT_MS} ms)`, (s) => s.p99, 'p99 ms', P99_LIMIT_MS),
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
