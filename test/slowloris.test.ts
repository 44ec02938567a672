import test from 'ava';
import { DEFAULTS } from '../core/config.js';
import { parseServerArgs } from '../core/server/cli.js';
import { TestClient } from './helpers/client.js';
import { HostileClient, json } from './helpers/hostile.js';
import { startServer } from './helpers/server.js';

test('a logged-in peer trickling a frame a byte at a time is dropped at the frame deadline, and its name is free again', async (t) => {
  const { port } = await startServer(t, { frameTimeoutMs: 1_000 });
  const watcher = await TestClient.login(t, port, 'watcher');
  await watcher.join('r');
  const slow = await HostileClient.login(t, port, 'slow');
  slow.command('/join r');
  await watcher.waitFor((e) => e.t === 'joined' && e.user === 'slow', 'slow joins');
  // Ten bytes a second: every read is a sign of life to a server that counts bytes, and the frame needs 20 s.
  const frame = json({ t: 'cmd', id: 99, line: 'x'.repeat(180) });
  let sent = 0;
  const trickle = setInterval(() => slow.write(frame.subarray(sent, ++sent)), 100);
  t.teardown(() => clearInterval(trickle));
  await slow.waitClosed('the frame deadline', 10_000);
  clearInterval(trickle);
  t.true(sent < frame.length, `${sent} of ${frame.length} bytes sent`);
  t.deepEqual(slow.received.at(-1), { t: 'bye', reason: 'frame not completed within 1 s' });
  t.like(await watcher.waitFor((e) => e.t === 'left' && e.user === 'slow', 'slow leaves'), { reason: 'connection lost' });
  const again = await TestClient.login(t, port, 'slow');
  t.is(again.name, 'slow');
});

test('--frame-timeout sets the deadline, 30 s by default', (t) => {
  const parsed = parseServerArgs(['--frame-timeout', '1.5']);
  if (parsed.kind !== 'run') return t.fail();
  t.is(parsed.config.frameTimeoutMs, 1500);
  t.is(DEFAULTS.frameTimeoutMs, 30_000);
});
