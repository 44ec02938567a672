import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { RawClient } from './helpers/raw-client.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';
import { eventually } from './helpers/hostile.js';

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+)/;

/** Plays every chat action of SPEC §5 once, stops the server and returns its log lines. */
async function logOfEveryAction(t: Parameters<typeof TestClient.login>[0], logMessages: boolean): Promise<string[]> {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile, logMessages });
  const alice = await TestClient.login(t, server.port, 'alice');
  const stranger = await RawClient.connect(t, server.port);
  stranger.send({ t: 'hello', v: 1 });
  stranger.send({ t: 'login', name: 'Alice' });
  await stranger.waitFor((m) => m.t === 'login-refused');
  stranger.send({ t: 'login', name: 'bob' });
  await stranger.waitFor((m) => m.t === 'login-ok');
  stranger.send({ t: 'cmd', id: 1, line: '/join lobby' });
  await alice.join('lobby');
  await alice.join('attic');
  await alice.join('lobby');
  alice.send('secret text');
  alice.send('/whisper bob psst');
  await stranger.waitFor((m) => m.t === 'whisper');
  stranger.socket.destroy();
  await alice.waitFor((e) => e.t === 'left' && e.user === 'bob');
  await alice.leave();
  alice.send('/exit');
  await alice.closed;
  await server.stop();
  return (await readFile(logFile, 'utf8')).trimEnd().split('\n');
}

test('the log has one timestamped line for every action, and message lines carry no text', async (t) => {
  const lines = await logOfEveryAction(t, false);
  const times = lines.map((line) => ISO.exec(line)?.[1]);
  t.true(times.every((time) => time !== undefined && new Date(time).toISOString() === time), lines.join('\n'));
  t.deepEqual([...times].sort(), times, 'in time order');
  t.true(Date.now() - Date.parse(times[0]!) < 60_000);

  const expected = [
    / start version=\S+ port=\d+ host=127\.0\.0\.1 commands=/,
    / connect id=1 remote=127\.0\.0\.1:\d+$/,
    / login id=1 user=alice remote=127\.0\.0\.1:\d+$/,
    / connect id=2 remote=127\.0\.0\.1:\d+$/,
    / login-refused id=2 name=Alice reason="username 'alice' is already taken"$/,
    / login id=2 user=bob remote=/,
    / join user=bob room=lobby$/,
    / join user=alice room=lobby$/,
    / leave user=alice room=lobby reason=switched$/,
    / join user=alice room=attic from=lobby$/,
    / leave user=alice room=attic reason=switched$/,
    / join user=alice room=lobby from=attic$/,
    / broadcast user=alice room=lobby length=11$/,
    / whisper user=alice to=bob length=4$/,
    / leave user=bob room=lobby reason="connection lost"$/,
    / operator room=lobby user=alice$/, // bob created lobby; alice inherits it
    / disconnect id=2 user=bob how=lost cause="closed by peer"$/,
    / leave user=alice room=lobby reason=left$/,
  ];
  // Alice's socket may finish closing before or after the shutdown begins.
  const last = [
    / disconnect id=1 user=alice how=clean cause="user quit"$/,
    / shutdown reason=stop connections=[01]$/,
  ];
  t.is(lines.length, expected.length + last.length + 1, lines.join('\n'));
  expected.forEach((pattern, i) => t.regex(lines[i] ?? '', pattern));
  const tail = lines.slice(expected.length, -1);
  last.forEach((pattern) => t.is(tail.filter((line) => pattern.test(line)).length, 1, String(pattern)));
  t.regex(lines.at(-1)!, / shutdown-complete$/);
  t.false(lines.some((line) => line.includes('secret') || line.includes('psst')));
});

test('with --log-messages the broadcast and whisper lines carry the text too', async (t) => {
  const lines = await logOfEveryAction(t, true);
  t.true(lines.some((line) => / broadcast user=alice room=lobby length=11 text="secret text"$/.test(line)));
  t.true(lines.some((line) => / whisper user=alice to=bob length=4 text=psst$/.test(line)));
});

test('control, bidi and invisible characters from a client reach the log escaped, one visible line per action', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile });
  const hostile = await RawClient.connect(t, server.port);
  hostile.send({ t: 'hello', v: 1 });
  const name = 'a\u0085b\u009b31mc\u202ed\u2066e\u2028f\u200bg\ufeffh\u007fi\u{e0041}j\nk';
  hostile.send({ t: 'login', name });
  await hostile.waitFor((m) => m.t === 'login-refused');
  // Hanging up after a refusal is a clean end: nothing was lost.
  hostile.socket.end();
  await eventually(async () => (await readFile(logFile, 'utf8')).includes(' disconnect id=1 how=clean cause="closed by peer"'), 'the disconnect line');
  await server.stop();
  const text = await readFile(logFile, 'utf8');
  const line = text.split('\n').find((l) => l.includes(' login-refused '));
  t.truthy(line, text);
  t.notRegex(text, /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]|\udb40/u);
  t.true(line!.includes('name="a\\u0085b\\u009b31mc\\u202ed\\u2066e\\u2028f\\u200bg\\ufeffh\\u007fi\\udb40\\udc41j\\nk"'), line);
});

test('flood refusals are logged, counted a line per second at most, so a flood cannot flood the log', async (t) => {
  const logFile = join(await tempDir(t), 'server.log');
  const server = await startServer(t, { logFile, floodRate: 1, floodBurst: 3 });
  const alice = await TestClient.login(t, server.port, 'alice');
  const ids = Array.from({ length: 30 }, () => alice.send('/help'));
  const answers = await Promise.all(ids.map((id) => alice.waitFor((e) => (e.t === 'reply' || e.t === 'error') && e.re === id)));
  const flooded = answers.filter((a) => a.t === 'error' && a.code === 'FLOOD').length;
  t.true(flooded >= 20, `${flooded} refused`);
  const refusals = async () => (await readFile(logFile, 'utf8')).split('\n').filter((l) => / refused id=1 user=alice code=FLOOD count=\d+$/.test(l));
  const counted = async () => (await refusals()).reduce((sum, l) => sum + Number(/count=(\d+)$/.exec(l)![1]), 0);
  await eventually(async () => (await counted()) >= flooded, 'every refusal counted in the log');
  t.is(await counted(), flooded);
  t.true((await refusals()).length <= 3, (await refusals()).join('\n'));
});
