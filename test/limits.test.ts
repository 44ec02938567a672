import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { DEFAULTS } from '../core/config.js';
import { parseServerArgs } from '../core/server/cli.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { eventually, HostileClient, json, rawFrame } from './helpers/hostile.js';
import { FAULTY_PLUGINS, pluginDir } from './helpers/plugin-dir.js';
import { startServer } from './helpers/server.js';

test('every limit has a flag, and the defaults are those of SPEC §9', (t) => {
  t.like(DEFAULTS, {
    maxFrameBytes: 128 * 1024,
    loginAttempts: 5,
    loginTimeoutMs: 30_000,
    heartbeatMs: 45_000,
    floodRate: 20,
    floodBurst: 40,
    outBufferBytes: 4 * 1024 * 1024,
    outputBudgetBytes: 128 * 1024 * 1024,
    commandTimeoutMs: 10_000,
    maxConnections: 20_000,
    maxConnectionsPerAddress: 64,
    uploadsPerUser: 2,
    queuePerUser: 5,
    uploadStallMs: 30_000,
    uploadMinRate: 16 * 1024,
    prefixV4: 24,
    prefixV6: 64,
    connectRate: 10,
    connectBurst: 64,
  });
  const parsed = parseServerArgs(
    '--uploads-per-user 1 --queue-per-user 0 --upload-stall 2.5 --upload-min-rate 1KiB --max-frame 1KiB --login-attempts 2 --login-timeout 0.3 --heartbeat 0.6 --flood-rate 0 --flood-burst 3 --out-buffer 64KiB --output-budget 1GiB --command-timeout 0.25 --max-connections 3 --max-per-address 2 --prefix-v4 32 --prefix-v6 48 --connect-rate 0 --connect-burst 5'.split(
      ' ',
    ),
  );
  if (parsed.kind !== 'run') return t.fail();
  t.like(parsed.config, {
    maxFrameBytes: 1024,
    loginAttempts: 2,
    loginTimeoutMs: 300,
    heartbeatMs: 600,
    floodRate: 0,
    floodBurst: 3,
    outBufferBytes: 64 * 1024,
    outputBudgetBytes: 1024 ** 3,
    commandTimeoutMs: 250,
    maxConnections: 3,
    maxConnectionsPerAddress: 2,
    uploadsPerUser: 1,
    queuePerUser: 0,
    uploadStallMs: 2500,
    uploadMinRate: 1024,
    prefixV4: 32,
    prefixV6: 48,
    connectRate: 0,
    connectBurst: 5,
  });
});

test('a frame of exactly --max-frame bytes is read; one byte more is refused from its header and the connection closed', async (t) => {
  const { port } = await startServer(t, { maxFrameBytes: 1024 });
  const client = await HostileClient.login(t, port, 'alice');
  const base = JSON.stringify({ t: 'cmd', id: 1, line: '' }).length;
  client.write(json({ t: 'cmd', id: 1, line: `/${'x'.repeat(1024 - base - 1)}` }));
  t.is((await client.answer(1)).code, 'UNKNOWN_COMMAND'); // read and parsed
  client.write(rawFrame(1, '', 1025)); // the header alone: nothing of the payload is awaited
  const error = await client.waitFor((m) => m.t === 'error' && m.code === 'FRAME_TOO_LARGE', 'FRAME_TOO_LARGE');
  t.regex(String(error.message), /1025 bytes exceeds the limit of 1024/);
  await client.waitClosed();
});

test('--login-attempts failed logins close the connection, after telling how many were left', async (t) => {
  const { port } = await startServer(t, { loginAttempts: 2 });
  const client = await HostileClient.connect(t, port);
  client.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: 'bad name' }));
  t.like(await client.waitFor((m) => m.t === 'login-refused', 'first refusal'), { attemptsLeft: 1 });
  client.write(json({ t: 'login', name: 'x'.repeat(17) }));
  await client.waitFor((m) => m.t === 'login-refused' && m.attemptsLeft === 0, 'second refusal');
  t.like(await client.waitFor((m) => m.t === 'bye', 'bye'), { reason: 'too many failed login attempts' });
  await client.waitClosed();
});

test('--login-timeout closes a connection that never logs in, however it stalls (slowloris)', async (t) => {
  const { port } = await startServer(t, { loginTimeoutMs: 300 });
  const bob = await TestClient.login(t, port, 'bob');
  const silent = await HostileClient.connect(t, port);
  const helloOnly = await HostileClient.connect(t, port);
  helloOnly.write(json({ t: 'hello', v: 1 }));
  const trickler = await HostileClient.connect(t, port);
  trickler.write(json({ t: 'hello', v: 1 }), rawFrame(1, '', 100_000));
  // A byte now and then keeps a connection "active", but login time runs from the connect.
  const drip = setInterval(() => trickler.write(' '), 20);
  t.teardown(() => clearInterval(drip));
  for (const client of [silent, helloOnly, trickler]) {
    await client.waitClosed('login timeout', 3_000);
    t.like(client.received.at(-1), { t: 'bye', reason: 'login timed out' });
  }
  t.is((await bob.request('/help help')).t, 'reply');
  t.false(bob.connection.closed);
});

test('--heartbeat drops a logged-in client that stops answering pings; its room is told; one that answers stays', async (t) => {
  const server = await startServer(t, { heartbeatMs: 600 });
  const live = await HostileClient.login(t, server.port, 'live');
  const dead = await HostileClient.connect(t, server.port);
  dead.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: 'dead' }));
  await dead.waitFor((m) => m.t === 'login-ok', 'dead logged in');
  live.command('/join lobby');
  dead.write(json({ t: 'cmd', id: 1, line: '/join lobby' }));
  await live.waitFor((m) => m.t === 'joined' && m.user === 'dead', 'dead joins');
  await dead.waitClosed('heartbeat timeout', 3_000);
  t.true(dead.received.some((m) => m.t === 'ping'), 'the server pinged before giving up');
  t.like(await live.waitFor((m) => m.t === 'left' && m.user === 'dead', 'dead left'), { reason: 'connection lost' });
  // The live client has answered pings for longer than the heartbeat, and is still served.
  await live.waitUntil(() => live.received.filter((m) => m.t === 'ping').length >= 4, 'four pings', 3_000);
  t.is((await live.answer(live.command('/help help'))).t, 'reply');
  t.false(live.isClosed);
});

test('flood control refuses the excess with FLOOD, keeps the connection, and others see only what was accepted', async (t) => {
  const { port } = await startServer(t, { floodRate: 5, floodBurst: 5 });
  const [spammer, watcher] = await Promise.all([TestClient.login(t, port, 'spammer'), TestClient.login(t, port, 'watcher')]);
  await spammer.join('lobby');
  await watcher.join('lobby');
  await spammer.barrier(); // used one token; refills at 5/s
  const ids = Array.from({ length: 20 }, (_, i) => spammer.send(`line ${i}`));
  // Each line is either refused (an error for its id) or delivered to the room, the sender too.
  const outcomes = await Promise.all(
    ids.map((id, i) => spammer.waitFor((e) => (e.t === 'error' && e.re === id) || (e.t === 'message' && e.text === `line ${i}`), `line ${i}`)),
  );
  const refused = outcomes.filter((e) => e.t === 'error');
  // Burst 5, less /join and /help: 3 tokens left, and a fraction more by the time the lines arrive.
  t.true(refused.length >= 15 && refused.length <= 17, `refused ${refused.length} of 20`);
  t.like(refused[0], { code: 'FLOOD', message: 'you are sending too fast; slow down (this line was not sent)' });
  const last = outcomes.filter((e) => e.t === 'message').at(-1) as { text: string };
  await watcher.waitFor((e) => e.t === 'message' && e.text === last.text, 'the last accepted line');
  const seen = watcher.of('message').filter((m) => m.from === 'spammer');
  t.is(seen.length, 20 - refused.length);
  await eventually(async () => (await spammer.request('/help help')).t === 'reply', 'a token again');
  t.false(spammer.connection.closed);
  // Queries (completion) count too: they are the cheapest way to make a server send a lot.
  const queries = await Promise.allSettled(Array.from({ length: 8 }, () => spammer.connection.query('users')));
  t.true(queries.some((q) => q.status === 'rejected' && /too fast/.test(String(q.reason))));
});

test('--flood-rate 0 turns flood control off', async (t) => {
  const { port } = await startServer(t, { floodRate: 0, floodBurst: 1 });
  const [fast, watcher] = await Promise.all([TestClient.login(t, port, 'fast'), TestClient.login(t, port, 'watcher')]);
  await fast.join('lobby');
  await watcher.join('lobby');
  for (let i = 0; i < 60; i++) fast.send(`line ${i}`);
  await watcher.waitFor((e) => e.t === 'message' && e.text === 'line 59', 'the last line');
  t.is(watcher.of('message').length, 60);
  t.is(fast.of('error').length, 0);
});

test('a client that stops reading is dropped once --out-buffer is exceeded, with the reason logged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chatserver-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'server.log');
  const { port } = await startServer(t, { outBufferBytes: 64 * 1024, floodRate: 0, frameRate: 0, byteRate: 0, logFile });
  const [talker, watcher] = await Promise.all([TestClient.login(t, port, 'talker'), TestClient.login(t, port, 'watcher')]);
  const stalled = await HostileClient.login(t, port, 'stalled');
  await talker.join('lobby');
  await watcher.join('lobby');
  stalled.command('/join lobby');
  await watcher.waitFor((e) => e.t === 'joined' && e.user === 'stalled', 'stalled joins');
  stalled.socket.pause(); // reads nothing more: the kernel buffers fill, then the server's
  const text = 'z'.repeat(2000);
  const gone = () => watcher.events.some((e) => e.t === 'left' && e.user === 'stalled');
  for (let batch = 0; batch < 1000 && !gone(); batch++) {
    // Batches stay under the limit: it is on what one event-loop turn queues, for readers too.
    for (let i = 0; i < 20; i++) talker.send(text);
    await talker.barrier();
  }
  t.like(await watcher.waitFor((e) => e.t === 'left' && e.user === 'stalled', 'stalled dropped'), { reason: 'connection lost' });
  await eventually(() => /disconnect .*user=stalled .*outgoing buffer full/.test(readFileSync(logFile, 'utf8')), 'the logged reason');
  t.is((await watcher.request('/help help')).t, 'reply');
});

test('--max-connections and --max-per-address refuse with CONNECTION_REFUSED and a reason; a freed place is reusable', async (t) => {
  for (const [limits, reason] of [
    [{ maxConnections: 2 }, 'server is full'],
    [{ maxConnectionsPerAddress: 2 }, 'too many connections from your network 127.0.0.0/24'],
  ] as const) {
    const server = await startServer(t, limits);
    const first = await HostileClient.login(t, server.port, 'first');
    await HostileClient.login(t, server.port, 'second');
    const third = await HostileClient.connect(t, server.port);
    t.like(await third.waitFor((m) => m.t === 'error', 'refusal'), { code: 'CONNECTION_REFUSED', message: reason });
    await third.waitClosed();
    first.destroy();
    await eventually(() => server.stats().connections === 1, 'the first one gone');
    await HostileClient.login(t, server.port, 'fourth');
  }
});

test('a refused client that never closes its side does not keep a descriptor on the server', async (t) => {
  const server = await ChildServer.start(['--max-connections', '1']);
  t.teardown(() => server.kill());
  const baseline = await server.stats();
  const holder = await HostileClient.login(t, server.port, 'holder');
  const refused = await Promise.all(
    Array.from({ length: 8 }, () => {
      const socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
      t.teardown(() => socket.destroy());
      socket.on('error', () => {});
      return new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString('utf8'))));
    }),
  );
  t.true(refused.every((text) => text.includes('CONNECTION_REFUSED')));
  // One accepted connection more than at the start: the eight refused ones are closed server-side.
  await eventually(async () => (await server.stats()).fds === baseline.fds + 1, 'refused sockets closed by the server', 6_000);
  t.false(holder.isClosed);
});

test('--command-timeout abandons a command that never finishes; the connection moves on, others are unaffected', async (t) => {
  const { port } = await startServer(t, { commandTimeoutMs: 250, pluginDirs: [pluginDir(t, { hang: FAULTY_PLUGINS.hang })] });
  const [alice, bob] = await Promise.all([TestClient.login(t, port, 'alice'), TestClient.login(t, port, 'bob')]);
  const id = alice.send('/hang');
  const next = alice.send('/help help');
  t.is((await bob.request('/help help')).t, 'reply');
  t.like(await alice.waitFor((e) => e.t === 'error' && e.re === id, 'TIMEOUT'), {
    code: 'TIMEOUT',
    message: '/hang did not finish within 0.25 s and was abandoned',
  });
  t.is((await alice.waitFor((e) => e.t === 'reply' && e.re === next, 'the next command')).t, 'reply');
});

test('commands backed up behind a slow one are held, not refused: the server stops reading, then runs every one in order', async (t) => {
  const { port } = await startServer(t, { commandTimeoutMs: 500, floodRate: 0, frameRate: 0, pluginDirs: [pluginDir(t, { hang: FAULTY_PLUGINS.hang })] });
  const client = await HostileClient.login(t, port, 'alice');
  // Far more than the 64 that pause reading, in one write: most of it arrives in reads already made.
  const count = 1_500;
  const lines = [json({ t: 'cmd', id: 100_000, line: '/hang' }), ...Array.from({ length: count }, (_, i) => json({ t: 'cmd', id: i + 1, line: '/help help' }))];
  client.write(Buffer.concat(lines));
  await client.waitUntil(() => client.received.filter((m) => m.t === 'reply').length === count, `${count} replies after the timeout`, 20_000);
  t.deepEqual(client.errors().filter((m) => m.code !== 'TIMEOUT'), []);
  t.deepEqual(
    client.received.filter((m) => m.t === 'reply').map((m) => (m as unknown as { re: number }).re),
    Array.from({ length: count }, (_, i) => i + 1),
    'in the order sent',
  );
  t.like(await client.answer(100_000), { code: 'TIMEOUT' });
});
