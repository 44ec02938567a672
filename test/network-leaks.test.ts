import test from 'ava';
import { Redis } from 'ioredis';
import { runCycles, startSink } from './helpers/cycles.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';

const CYCLES_PER_NODE = 2_000;

test(`${(2 * CYCLES_PER_NODE).toLocaleString('en-US')} connect/login/disconnect cycles on two nodes leave nothing behind in Redis`, async (t) => {
  t.timeout(120_000);
  const redis = await TestRedis.start(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  const [one, two] = await Promise.all([startServer(t, { redisUrl: redis.url }), startServer(t, { redisUrl: redis.url })]);
  const sink = await startSink(one!.port); // uploads from node two's cycles cross to node one
  t.teardown(() => sink.close());

  const reports = await Promise.all([
    runCycles(one!.port, CYCLES_PER_NODE, { sink: 'sink', concurrency: 16 }),
    runCycles(two!.port, CYCLES_PER_NODE, { sink: 'sink', concurrency: 16, first: CYCLES_PER_NODE }),
  ]);
  t.deepEqual(reports.flatMap((r) => r.failures), [], 'every clean cycle logged in and got its goodbye');

  // What the network holds once every clean-up has run: the sink, the two nodes, their channels.
  const state = async () => ({
    users: await probe.hvals('chat:users'),
    rooms: await probe.hlen('chat:rooms'),
    where: await probe.hlen('chat:where'),
    members: (await probe.keys('chat:members:*')).length,
    held: (await Promise.all((await probe.smembers('chat:nodes')).map((node) => probe.scard(`chat:node:${node}:users`)))).sort(),
    channels: (await probe.pubsub('CHANNELS', 'chat:ch:room:*')).length,
  });
  const clean = { users: ['sink'], rooms: 0, where: 0, members: 0, held: [0, 1], channels: 0 };
  let last = {};
  await eventually(async () => JSON.stringify((last = await state())) === JSON.stringify(clean), `a clean network; last ${JSON.stringify(last)}`);
  t.like(one!.stats(), { users: 1, rooms: 0, uploadsActive: 0, uploadsWaiting: 0 });
  t.like(two!.stats(), { users: 0, rooms: 0, uploadsActive: 0, uploadsWaiting: 0 });
  t.log(`${reports.map((r) => `${r.cycles} cycles in ${r.ms} ms`).join(', ')}: ${JSON.stringify(reports[1]!.byKind)}`);
});
