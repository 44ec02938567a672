import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { TestClient } from './helpers/client.js';
import { Child } from './helpers/process.js';
import { eventually } from './helpers/hostile.js';
import { TestRedis } from './helpers/redis.js';
import { tempDir } from './helpers/temp.js';

/** `chatserver --workers 2` on a fresh Redis, with a Redis connection to look at what the network holds. */
async function twoWorkers(t: ExecutionContext, log = ['--no-log-file', '--quiet']) {
  const redis = await TestRedis.start(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  const child = Child.spawn(t, 'chatserver', ['0', '--host', '127.0.0.1', '--workers', '2', '--redis', redis.url, ...log]);
  const [, port] = await child.waitFor(/listening on port (\d+) with 2 workers/, 'stderr');
  return { probe, child, port: Number(port) };
}

test('--workers 2 runs two nodes on one port that form one network', async (t) => {
  const { probe, child, port } = await twoWorkers(t);
  t.is((await probe.smembers('chat:nodes')).length, 2);

  // Connections are handed to the workers in turn, so these users are spread over both.
  const users = [];
  for (const name of ['alice', 'bob', 'carol', 'dave']) users.push(await TestClient.login(t, port, name));
  t.is(new Set(await probe.hvals('chat:owners')).size, 2, 'users on both workers');
  for (const user of users) await user.join('lobby');
  users[0]!.send('hello from one worker');
  for (const user of users) await user.waitFor((e) => e.t === 'message' && e.text === 'hello from one worker');
  users[3]!.send('/w alice and a whisper');
  await users[0]!.waitFor((e) => e.t === 'whisper' && e.from === 'dave');
  t.like(await users[1]!.request('/who'), { text: 'in lobby (4): alice, bob, carol, dave\nonline (4): alice, bob, carol, dave' });

  child.process.kill('SIGTERM');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
  await eventually(async () => (await probe.scard('chat:nodes')) === 0, 'the workers to leave the network');
  t.is(await probe.hlen('chat:users'), 0);
});

test('with workers, one Ctrl+C says so once, and the shared log tells the workers\' lines apart', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const { child, port } = await twoWorkers(t, ['--log', logFile, '--quiet']);
  for (const name of ['alice', 'bob']) await TestClient.login(t, port, name);
  child.process.kill('SIGINT');
  t.deepEqual(await child.exit(), { code: 0, signal: null });
  t.is(child.stderr.match(/press Ctrl\+C again/g)?.length, 1, child.stderr);
  const logins = (await readFile(logFile, 'utf8')).split('\n').filter((line) => / login /.test(line));
  const who = logins.map((line) => /^\S+ login worker=(\d+) id=(\d+) user=(\w+) /.exec(line)?.slice(1, 3).join('/'));
  t.is(who.length, 2, logins.join('\n'));
  t.is(new Set(who).size, 2, 'each login names its worker, so equal ids do not collide');
  t.true(who.every(Boolean), logins.join('\n'));
});

test('a worker killed with SIGKILL is replaced, and its users are reaped like those of any dead node', async (t) => {
  const { probe, child, port } = await twoWorkers(t);
  const alice = await TestClient.login(t, port, 'alice');
  const bob = await TestClient.login(t, port, 'bob');
  await alice.join('lobby');
  await bob.join('lobby');
  const owners = await probe.hgetall('chat:owners');
  // Connections go to the workers in turn, so each worker holds one of them.
  if (owners.alice === owners.bob) return t.fail('alice and bob are on the same worker');

  const workers = readFileSync(`/proc/${child.process.pid}/task/${child.process.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  t.is(workers.length, 2);
  process.kill(workers[0]!, 'SIGKILL');
  // Whoever was on that worker loses the connection; the other user is on the surviving one.
  const [victim, survivor] = await Promise.race([alice.closed.then(() => [alice, bob]), bob.closed.then(() => [bob, alice])]);
  await child.waitFor(/worker \d+ ended \(SIGKILL\); starting another/, 'stderr');
  t.like(await survivor!.waitFor((e) => e.t === 'left' && e.user === victim!.name, `${victim!.name} to be reaped`, 10_000), { reason: 'connection lost' });
  const dead = owners[victim!.name]!;
  await eventually(async () => {
    const nodes = await probe.smembers('chat:nodes');
    return nodes.length === 2 && !nodes.includes(dead);
  }, 'a replacement worker to join the network');
  const again = await TestClient.login(t, port, victim!.name);
  await again.join('lobby');
  await survivor!.waitFor((e) => e.t === 'joined' && e.user === victim!.name);
});

test('--workers without --redis is refused with one clear line', async (t) => {
  const child = Child.spawn(t, 'chatserver', ['0', '--workers', '2', '--no-log-file']);
  t.deepEqual(await child.exit(), { code: 1, signal: null });
  t.is(child.stderr, 'chatserver: --workers needs --redis: the workers form one network through Redis\n');
});

test('--redis with an address where no Redis answers stops start-up with one clear line', async (t) => {
  const child = Child.spawn(t, 'chatserver', ['0', '--redis', 'redis://127.0.0.1:1', '--no-log-file', '--quiet']);
  t.deepEqual(await child.exit(), { code: 1, signal: null });
  t.regex(child.stderr, /^chatserver: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/);
  const bad = Child.spawn(t, 'chatserver', ['0', '--no-log-file'], { CHATSERVER_REDIS: 'localhost:6379' });
  t.deepEqual(await bad.exit(), { code: 1, signal: null });
  t.is(bad.stderr, "chatserver: --redis (from CHATSERVER_REDIS) needs a URL such as redis://127.0.0.1:6379, not 'localhost:6379'\n");
});

test('CHATSERVER_REDIS makes a node of the network like --redis, and --help lists both flags', async (t) => {
  const redis = await TestRedis.start(t);
  const probe = new Redis(redis.url);
  t.teardown(() => probe.disconnect());
  const child = Child.spawn(t, 'chatserver', ['0', '--host', '127.0.0.1', '--no-log-file', '--quiet'], { CHATSERVER_REDIS: redis.url });
  const [, port] = await child.waitFor(/listening on port (\d+)/, 'stderr');
  await TestClient.login(t, Number(port), 'alice');
  t.deepEqual(await probe.hvals('chat:users'), ['alice']);
  const help = Child.spawn(t, 'chatserver', ['--help']);
  await help.exit();
  t.regex(help.stdout, /^ {2}--redis URL {2,}be a node of the network sharing this Redis.*\(also \$CHATSERVER_REDIS_URL, which ps does not show\)$/m);
  t.regex(help.stdout, /^ {2}--workers N {2,}run N worker processes on the port/m);
});
