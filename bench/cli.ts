import { parseArgs } from 'node:util';
import type { Address } from './drivers/types.js';

export const WORKLOADS = ['fanout', 'saturation', 'whispers', 'idle', 'storm', 'files', 'network'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
export type PeerName = 'ngircd' | 'inspircd';

export interface Plan {
  workloads: WorkloadName[];
  peers: PeerName[];
  quick: boolean;
  /** Client counts of fan-out, whispers, network and the saturation ramps. */
  clients: number[];
  rate: number;
  seconds: number;
  idleClients: number;
  stormClients: number;
  runs: number;
  targets: Address[] | null;
  serverDir: string | null;
  out: string;
  pin: boolean;
  /** The load generator asked for; null: native when a C compiler builds it, else Node. */
  generator: 'native' | 'node' | null;
}

export const USAGE = `usage: npm run bench -- [options]

Drives chat servers over loopback with thousands of connections and reports deliveries/s,
latency, server CPU and RSS (from /proc) and the generator's own CPU.

  --workload LIST   any of ${WORKLOADS.join(',')} (or a-g in that order);
                    default: all but network (two nodes over Redis: needs redis-server)
  --vs LIST         also run them against ngircd,inspircd (or "all"); files and network are ours only
  --quick           small counts and short steps (about a minute per server)
  --clients LIST    clients for fan-out, whispers, saturation and network (default 1000,5000; quick 300)
  --rate R          messages per second per client for fan-out, whispers and network (default 1)
  --duration S      seconds per measured step (default 8; quick 2); saturation steps are 3 s
                    (quick 1.5)
  --idle-clients N  clients of the idle workload (default 10000; quick 1500)
  --storm-clients N clients of the connect storm (default 5000; quick 1000)
  --runs N          runs of each case, each on a fresh server; the median is reported (default 1)
  --targets LIST    host:port,... of running servers of ours to drive instead of starting one
                    (clients spread round-robin; no server CPU/RSS then)
  --server DIR      benchmark the built chatserver of another checkout (default: this one)
  --out DIR         results folder (default bench/results)
  --no-pin          do not pin the server to core 0 and the generator to core 1
  --generator G     native (bench/native/loadgen.c, built with cc) or node (bench/drivers);
                    default native when a C compiler is there. TLS and several nodes use node
  --help            show this
`;

const LETTERS = 'abcdefg';

function numbers(text: string, flag: string, integer = true): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !(n > 0) || (integer && !Number.isSafeInteger(n)))) {
    throw new Error(`--${flag} needs ${integer ? 'whole numbers' : 'numbers'} > 0, not '${text}'`);
  }
  return list;
}

function address(text: string): Address {
  const m = /^([\w.:-]+):(\d+)$/.exec(text.trim());
  if (!m || !['127.0.0.1', 'localhost', '::1'].includes(m[1]!)) throw new Error(`--targets takes loopback host:port pairs, not '${text}'`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Returns the plan, or null for --help. Throws with one clear line on a bad flag. */
export function parsePlan(argv: string[]): Plan | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      workload: { type: 'string' },
      vs: { type: 'string', multiple: true },
      quick: { type: 'boolean' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'idle-clients': { type: 'string' },
      'storm-clients': { type: 'string' },
      runs: { type: 'string' },
      targets: { type: 'string' },
      server: { type: 'string' },
      out: { type: 'string' },
      'no-pin': { type: 'boolean' },
      generator: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  const generator = values.generator ?? null;
  if (generator !== null && generator !== 'native' && generator !== 'node') throw new Error(`--generator takes native or node, not '${generator}'`);
  const quick = values.quick ?? false;
  const workloads = values.workload
    ? values.workload.split(',').map((w) => {
        const name = w.length === 1 ? WORKLOADS[LETTERS.indexOf(w)] : WORKLOADS.find((n) => n === w);
        if (!name) throw new Error(`unknown workload '${w}' (known: ${WORKLOADS.join(', ')})`);
        return name;
      })
    : WORKLOADS.filter((w) => w !== 'network');
  const peers = (values.vs ?? []).flatMap((v) => v.split(',')).flatMap((v): PeerName[] => {
    if (v === 'all') return ['ngircd', 'inspircd'];
    if (v === 'ngircd' || v === 'inspircd') return [v];
    throw new Error(`--vs takes ngircd, inspircd or all, not '${v}'`);
  });
  return {
    workloads,
    peers: [...new Set(peers)],
    quick,
    clients: values.clients ? numbers(values.clients, 'clients') : quick ? [300] : [1000, 5000],
    rate: values.rate ? numbers(values.rate, 'rate', false)[0]! : 1,
    seconds: values.duration ? numbers(values.duration, 'duration', false)[0]! : quick ? 2 : 8,
    idleClients: values['idle-clients'] ? numbers(values['idle-clients'], 'idle-clients')[0]! : quick ? 1500 : 10_000,
    stormClients: values['storm-clients'] ? numbers(values['storm-clients'], 'storm-clients')[0]! : quick ? 1000 : 5000,
    runs: values.runs ? numbers(values.runs, 'runs')[0]! : 1,
    targets: values.targets ? values.targets.split(',').map(address) : null,
    serverDir: values.server ?? null,
    out: values.out ?? 'bench/results',
    pin: !values['no-pin'],
    generator,
  };
}
