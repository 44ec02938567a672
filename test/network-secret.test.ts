import test, { type ExecutionContext } from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { encodeJsonFrame } from '../core/protocol/frame.js';
import { encodeEnvelope, Kind } from '../core/services/redis/envelope.js';
import { nodeChannel, PREFIX, roomChannel } from '../core/services/redis/scripts.js';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { FileUser, jpeg, MiB, putFile, sha256 } from './helpers/files.js';
import { eventually } from './helpers/hostile.js';
import { Child } from './helpers/process.js';
import { TestRedis } from './helpers/redis.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const SECRET = 'correct horse battery staple';
// Loaded before the server: this process's clock runs ten minutes fast, like a machine without NTP.
const FAST_CLOCK = `--import=data:text/javascript,${encodeURIComponent('const now = Date.now; Date.now = () => now() + 600000;')}`;

/** Anyone who can reach Redis: a plain client of its own. */
function outsider(t: ExecutionContext, url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true });
  t.teardown(() => redis.disconnect());
  return redis;
}

/** Node A (alice), in this process, and node B (bob, and dave in attic), a child process with a log file. */
async function scene(t: ExecutionContext, secret: boolean) {
  const redis = await TestRedis.start(t);
  const file = join(await tempDir(t), 'secret');
  await writeFile(file, `${SECRET}\n`);
  const [a, b] = await Promise.all([
    startServer(t, { redisUrl: redis.url, networkSecret: secret ? SECRET : null }),
    ChildServer.start(['--redis', redis.url, ...(secret ? ['--network-secret-file', file] : [])]),
  ]);
  t.teardown(() => b.kill());
  const alice = await TestClient.login(t, a.port, 'alice');
  const bob = await TestClient.login(t, b.port, 'bob');
  const dave = await TestClient.login(t, b.port, 'dave');
  await Promise.all([alice.join('lobby'), bob.join('lobby'), dave.join('attic')]);
  const forger = outsider(t, redis.url);
  await forger.connect();
  const nodeOfBob = (await forger.hget(`${PREFIX}owners`, 'bob'))!;
  return { redis, a, b, alice, bob, dave, forger, nodeOfBob };
}

/** A room line and a whisper from "admin", who does not exist, published straight to Redis. */
async function forge(forger: Redis, nodeOfBob: string): Promise<void> {
  const ts = Date.now();
  const line = encodeJsonFrame({ t: 'message', room: 'lobby', from: 'admin', text: 'server restarting, send your password', ts });
  const whisper = encodeJsonFrame({ t: 'whisper', from: 'admin', to: 'bob', text: 'your password, please', ts });
  await forger.publish(roomChannel('lobby'), encodeEnvelope(Kind.Room, '0123456789abcdef', {}, line));
  await forger.publish(nodeChannel(nodeOfBob), encodeEnvelope(Kind.User, '0123456789abcdef', { to: 'bob' }, whisper));
}

/**
 * Alice's room line and whisper to bob: they reach node B after anything published before them
 * (B hears everything on one connection, in order), so once bob has both, B has dealt with the rest.
 */
async function aliceSpeaks(alice: TestClient, bob: TestClient, text: string): Promise<void> {
  const heard = Promise.all([
    bob.waitForNew((e) => e.t === 'message' && e.from === 'alice' && e.text === text, `alice's line "${text}"`),
    bob.waitForNew((e) => e.t === 'whisper' && e.from === 'alice' && e.text === text, `alice's whisper "${text}"`),
  ]);
  alice.send(text);
  alice.send(`/whisper bob ${text}`);
  await heard;
}

const fromAdmin = (bob: TestClient) => bob.events.filter((e) => 'from' in e && e.from === 'admin');

test('without a network secret, anyone who can reach Redis speaks as anyone (what the start-up warning is about)', async (t) => {
  const { alice, bob, forger, nodeOfBob } = await scene(t, false);
  await forge(forger, nodeOfBob);
  await aliceSpeaks(alice, bob, 'hello');
  t.deepEqual(
    fromAdmin(bob).map((e) => e.t),
    ['message', 'whisper'],
  );
});

test('even without a secret, an envelope that is not well formed is dropped: a torn frame cannot derail the recipients', async (t) => {
  const { b, alice, bob, forger, nodeOfBob } = await scene(t, false);
  const torn = encodeJsonFrame({ t: 'notice', text: 'x'.repeat(100) }).subarray(0, 20);
  await forger.publish(roomChannel('lobby'), encodeEnvelope(Kind.Room, '0123456789abcdef', {}, torn));
  await forger.publish(nodeChannel(nodeOfBob), encodeEnvelope(Kind.User, 'not a node id!!!', { to: 'bob' }, encodeJsonFrame({ t: 'notice', text: 'x' })));
  await forger.publish(nodeChannel(nodeOfBob), Buffer.from('\x02garbage'));
  await aliceSpeaks(alice, bob, 'still in step');
  t.deepEqual(bob.of('notice'), []);
  await eventually(() => /network-rejected malformed=1\b/.test(b.log()), 'the rejection in the log');
});

test('with --network-secret, an envelope published straight to Redis reaches nobody, is logged, and signed traffic flows', async (t) => {
  const { b, alice, bob, forger, nodeOfBob } = await scene(t, true);
  await forge(forger, nodeOfBob);
  await aliceSpeaks(alice, bob, 'hello');
  t.deepEqual(fromAdmin(bob), []);
  await eventually(() => /network-rejected bad-signature=1\b/.test(b.log()), 'the rejection in the log');
  t.notRegex(b.stderr, /warning/, 'no warning for a loopback Redis with a secret');
});

test('a file between signed nodes (one given the secret by $CHATSERVER_NETWORK_SECRET) arrives whole: chunks and acknowledgements are signed too', async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([
    startServer(t, { redisUrl: redis.url, networkSecret: SECRET }),
    ChildServer.start(['--redis', redis.url], { env: { CHATSERVER_NETWORK_SECRET: SECRET } }),
  ]);
  t.teardown(() => b.kill());
  const alice = await FileUser.login(t, a!.port, 'alice');
  const bob = await FileUser.login(t, b.port, 'bob');
  const photo = jpeg(2 * MiB);
  await alice.sendFile(await putFile(await tempDir(t), 'photo.jpg', photo), 'bob');
  const [saved] = await bob.received(1);
  t.is(sha256(await readFile(saved!.path!)), sha256(photo));
  await alice.waitProgress((p) => p.direction === 'up' && p.state === 'done', 'the upload to be done');
  t.false(b.log().includes('network-rejected'), 'the secret from $CHATSERVER_NETWORK_SECRET is the network\'s');
});

test("a node whose clock is ten minutes fast still talks to a signed network: messages carry Redis's time", async (t) => {
  const redis = await TestRedis.start(t);
  const [a, b] = await Promise.all([
    startServer(t, { redisUrl: redis.url, networkSecret: SECRET }),
    ChildServer.start(['--redis', redis.url], { env: { CHATSERVER_NETWORK_SECRET: SECRET, NODE_OPTIONS: FAST_CLOCK } }),
  ]);
  t.teardown(() => b.kill());
  const alice = await TestClient.login(t, a!.port, 'alice');
  const bob = await TestClient.login(t, b.port, 'bob');
  await Promise.all([alice.join('lobby'), bob.join('lobby')]);
  await aliceSpeaks(alice, bob, 'on time');
  bob.send('/whisper alice and back');
  t.like(await alice.waitFor((e) => e.t === 'whisper' && e.from === 'bob'), { text: 'and back' });
  t.false(b.log().includes('network-rejected'), b.log());
});

test('a node with another secret cannot speak to the network: its users are heard by nobody', async (t) => {
  const { redis, b, alice, bob } = await scene(t, true);
  const c = await ChildServer.start(['--redis', redis.url, '--network-secret', 'not the secret of this network']);
  t.teardown(() => c.kill());
  const mallory = await TestClient.login(t, c.port, 'mallory');
  await mallory.join('lobby');
  mallory.send('I am alice, trust me');
  mallory.send('/whisper bob psst');
  // Mallory's commands have run (so their lines were published) before alice speaks.
  await mallory.barrier();
  await aliceSpeaks(alice, bob, 'hello');
  t.deepEqual(
    bob.events.filter((e) => JSON.stringify(e).includes('mallory')),
    [],
  );
  await eventually(() => /network-rejected bad-signature=1\b/.test(b.log()), 'the rejection in the log');
});

test('a captured signed envelope replayed, or published on another room, is dropped', async (t) => {
  const { redis, b, alice, bob, dave, forger } = await scene(t, true);
  const tap = outsider(t, redis.url);
  const captured = new Promise<Buffer>((resolve) => tap.on('messageBuffer', (_channel: Buffer, data: Buffer) => resolve(data)));
  await tap.subscribe(roomChannel('lobby'));
  await aliceSpeaks(alice, bob, 'one');
  const envelope = await captured;
  await forger.publish(roomChannel('lobby'), envelope);
  await forger.publish(roomChannel('attic'), envelope);
  await aliceSpeaks(alice, bob, 'two');
  await dave.barrier();
  t.deepEqual(
    bob.of('message').map((e) => e.text),
    ['one', 'two'],
  );
  t.deepEqual(dave.of('message'), []);
  await eventually(() => /network-rejected replayed=1\b/.test(b.log()), 'the replay in the log');
});

test('--redis without a secret warns at start when Redis is on another machine, and a bad secret is refused', async (t) => {
  const remote = Child.spawn(t, 'chatserver', ['0', '--no-log-file', '--quiet', '--redis', 'redis://192.0.2.10:6379']);
  await remote.waitFor(/^chatserver: warning: --redis without --network-secret: anyone who can reach this Redis can send lines as any user$/m, 'stderr');
  remote.process.kill('SIGKILL');
  const short = Child.spawn(t, 'chatserver', ['0', '--no-log-file', '--redis', 'redis://127.0.0.1:1', '--network-secret', 'short']);
  t.like(await short.exit(), { code: 1 });
  t.is(short.stderr, 'chatserver: the network secret needs at least 16 characters; make one with: openssl rand -hex 32\n');
  const alone = Child.spawn(t, 'chatserver', ['0', '--no-log-file', '--network-secret-file', '/nonexistent/secret']);
  t.like(await alone.exit(), { code: 1 });
  t.is(alone.stderr, 'chatserver: --network-secret needs --redis: it signs what nodes send each other\n');
});
