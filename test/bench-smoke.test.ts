import test from 'ava';
import { Cohort } from '../bench/cohort.js';
import type { Client } from '../bench/drivers/types.js';
import { comparisonTable } from '../bench/report.js';
import type { Row } from '../bench/results.js';
import { external, overTls, startOurs, TLS_FLAGS } from '../bench/targets.js';
import { Traffic } from '../bench/traffic.js';
import { fanout } from '../bench/workloads/steady.js';
import { startServer } from './helpers/server.js';

// Behaviour only: who got what and which fields the report has; never how fast.

test('room fan-out delivers each message to the other members of the sender’s room and nobody else', async (t) => {
  const server = await startServer(t, { floodRate: 0 });
  const target = external([{ host: '127.0.0.1', port: server.port }]);
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, 20, traffic); // rooms of 15 and 5
  t.teardown(() => cohort.close());
  const index = new Map<Client, number>(cohort.clients.map((c, i) => [c, i]));
  const got: Map<number, number>[] = cohort.clients.map(() => new Map());
  traffic.observe = (client, text, whisper) => {
    t.false(whisper);
    const from = Number(/from=(\d+)/.exec(text)![1]);
    const to = index.get(client)!;
    got[to]!.set(from, (got[to]!.get(from) ?? 0) + 1);
  };
  const sent = new Array<number>(20).fill(0);
  const step = await traffic.step(20, 2, 1, (i, text) => {
    sent[i]!++;
    // Keep the stamp and the step tag (first 22 characters); say who sent it.
    cohort.clients[i]!.say(`${text.slice(0, 22)}from=${i} `.padEnd(100, 'x'));
    return cohort.recipients(i);
  }, []);

  t.is(step.expected, sent.reduce((sum, n, i) => sum + n * cohort.recipients(i), 0));
  t.is(step.delivered, step.expected);
  t.is(step.deliveredRatio, 1);
  got.forEach((senders, to) => {
    const mates = cohort.clients.map((_, i) => i).filter((i) => i !== to && cohort.roomOf[i] === cohort.roomOf[to]);
    t.deepEqual([...senders.keys()].sort((a, b) => a - b), mates.filter((i) => sent[i]! > 0), `client ${to}`);
    for (const [from, n] of senders) t.is(n, sent[from], `client ${to} from ${from}`);
  });
});

test('the fan-out workload against a spawned server reports every field, with server and generator CPU', async (t) => {
  const target = await startOurs();
  t.teardown(() => target.stop());
  const { metrics, compare, server } = await fanout(target, { clients: 16, rate: 4, seconds: 0.5 });
  t.is(server, 'ours');
  for (const key of ['sent/s', 'deliveries/s', 'delivered %', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU %', 'server RSS MB', 'generator CPU %']) {
    t.is(typeof metrics[key], 'number', key);
  }
  t.is(metrics['delivered %'], 100);
  t.is(metrics.errors, 0);
  t.true((metrics['server RSS MB'] as number) > 0);
  t.true(compare.every((k) => k in metrics));
});

test('the side-by-side table gives ours/theirs of each compared metric from the same rows', (t) => {
  const row = (server: Row['server'], p99: number, knee: number | string): Row[] => [
    { workload: 'fan-out', case: '10 clients × 1/s', server, compare: ['p99 ms'], metrics: { 'p99 ms': p99 } },
    { workload: 'saturation', case: '10 clients', server, compare: ['knee deliveries/s'], metrics: { 'knee deliveries/s': knee } },
  ];
  const table = comparisonTable([...row('ours', 2, 30_000), ...row('ngircd', 8, '< 5,000'), ...row('inspircd', 1, 60_000)], false);
  const lines = table.split('\n');
  t.regex(lines[0]!, /metric\s+ours\s+ngircd\s+ours\/ngircd\s+inspircd\s+ours\/inspircd\s+better/);
  t.regex(lines.find((l) => l.includes('p99 ms'))!, /2\s+8\s+0\.25×\s+1\s+2\.00×\s+lower$/);
  t.regex(lines.find((l) => l.includes('knee'))!, /30,000\s+< 5,000\s+n\/a\s+60,000\s+0\.50×\s+higher$/);
});

test('a knee the generator may have limited shows as a lower bound, and so does its ratio', (t) => {
  const knee = (server: Row['server'], value: number, atLeast: boolean): Row => ({
    workload: 'saturation',
    case: '10 clients',
    server,
    compare: ['knee deliveries/s'],
    metrics: { 'knee deliveries/s': value },
    ...(atLeast ? { atLeast: ['knee deliveries/s'] } : {}),
  });
  const line = comparisonTable([knee('ours', 30_000, false), knee('inspircd', 60_000, true)], false).split('\n').find((l) => l.includes('knee'))!;
  t.regex(line, /30,000\s+≥ 60,000\s+≤ 0\.50×\s+higher$/);
});

test('the bench reaches a --tls auto server over TLS: the fan-out is delivered whole', async (t) => {
  const target = await startOurs(TLS_FLAGS);
  t.teardown(() => target.stop());
  const { metrics } = await fanout(overTls(target), { clients: 16, rate: 4, seconds: 0.5 });
  t.is(metrics['delivered %'], 100);
  t.is(metrics.errors, 0);
});
