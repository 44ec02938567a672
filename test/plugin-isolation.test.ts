import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const FAULTY = `import { Command, arg } from 'chatserver/plugin-api';

export const Crash = Command({ name: 'crash', summary: 'throws at once' })(
  class { run() { throw new TypeError('plugin bug: undefined is not a function'); } },
);
export const CrashLater = Command({ name: 'crashlater', summary: 'rejects after a turn', args: { why: arg.text() } })(
  class { async run({ args }) { await new Promise((r) => setImmediate(r)); throw new RangeError(args.why); } },
);
export const Hang = Command({ name: 'hang', summary: 'never finishes' })(
  class { run() { return new Promise(() => {}); } },
);
`;

async function serverWithFaultyPlugins(t: Parameters<typeof TestClient.login>[0], commandTimeoutMs = 10_000) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'faulty.mjs'), FAULTY);
  const logFile = join(dir, 'server.log');
  const server = await startServer(t, { pluginDirs: [dir], logFile, commandTimeoutMs });
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => TestClient.login(t, server.port, n)));
  for (const c of [alice!, bob!, carol!]) await c.join('lobby');
  return { server, logFile, alice: alice!, bob: bob!, carol: carol! };
}

test('a plugin that throws: the caller gets a clear error, the log gets the stack, every session goes on', async (t) => {
  const { server, logFile, alice, bob, carol } = await serverWithFaultyPlugins(t);
  bob.send('before');
  const failures = ['/crash', '/crashlater out of range'].map((line) => alice.refused(line));
  bob.send('during');
  t.like(await failures[0], { code: 'COMMAND_FAILED', message: '/crash failed because of an internal error; it has been logged' });
  t.like(await failures[1], { code: 'COMMAND_FAILED', message: '/crashlater failed because of an internal error; it has been logged' });
  alice.send('after');
  await bob.waitFor((e) => e.t === 'message' && e.text === 'after');
  bob.send('after too');
  for (const client of [alice, bob, carol]) {
    await client.waitFor((e) => e.t === 'message' && e.text === 'after too');
    t.deepEqual(client.of('message').map((m) => m.text), ['before', 'during', 'after', 'after too'], client.name);
    t.deepEqual(client.of('error').filter((e) => e.code === 'COMMAND_FAILED').length, client === alice ? 2 : 0);
  }
  t.false(alice.connection.closed);

  await server.stop();
  const log = await readFile(logFile, 'utf8');
  t.regex(log, /Z error "command \/crash from \S*faulty\.mjs failed for alice"\n {2}TypeError: plugin bug: undefined is not a function\n/);
  t.regex(log, /TypeError: plugin bug[^]*?\n +at \S*run \(file:\/\/\S*faulty\.mjs:\d+:\d+\)/, 'the stack points into the plugin');
  t.regex(log, /Z error "command \/crashlater from \S*faulty\.mjs failed for alice"\n {2}RangeError: out of range\n +at /);
  t.notRegex(log, /error .*failed for (bob|carol)/);
});

test('a plugin that never finishes is abandoned after the time limit and the connection moves on', async (t) => {
  const { alice, bob } = await serverWithFaultyPlugins(t, 300);
  const hung = alice.refused('/hang');
  alice.send('queued behind the hang');
  t.like(await hung, { code: 'TIMEOUT', message: '/hang did not finish within 0.3 s and was abandoned' });
  t.like(await bob.waitFor((e) => e.t === 'message'), { from: 'alice', text: 'queued behind the hang' });
});
