import test from 'ava';
import { ChildServer } from './helpers/child-server.js';
import { TestClient } from './helpers/client.js';
import { eventually, HostileClient } from './helpers/hostile.js';

const BUDGET = 1024 * 1024;
// Messages a later non-reader reads before it stops: its backlog stays that far behind the one before.
const LEAD = 300;
const MAX_MESSAGES = 20_000;

test('past --output-budget the clients furthest behind are dropped first, with the cause logged; a reading bystander gets every message', async (t) => {
  t.timeout(60_000);
  // The per-client --out-buffer (4 MiB) is never reached: only the server-wide budget drops anyone.
  const server = await ChildServer.start(['--output-budget', String(BUDGET), '--flood-rate', '0', '--frame-rate', '0', '--byte-rate', '0']);
  t.teardown(() => server.kill());
  const [talker, bystander] = await Promise.all([TestClient.login(t, server.port, 'talker'), TestClient.login(t, server.port, 'bystander')]);
  await talker.join('lobby');
  await bystander.join('lobby');
  const names = ['early', 'middle', 'late'];
  const stalled: HostileClient[] = [];
  for (const name of names) {
    const client = await HostileClient.login(t, server.port, name);
    client.command('/join lobby');
    await bystander.waitFor((e) => e.t === 'joined' && e.user === name, `${name} joins`);
    stalled.push(client);
  }

  // Numbered, so the bystander's copy shows that none is missing or out of order.
  const text = (n: number) => `${String(n).padStart(5, '0')}${'z'.repeat(1995)}`;
  let sent = 0;
  let peak = 0;
  const flood = async (count: number) => {
    for (let i = 0; i < count; i++) {
      talker.send(text(sent));
      // Batches of 20: what one turn queues to a reader stays far under the budget.
      if (++sent % 20 === 0) {
        await talker.barrier();
        peak = Math.max(peak, (await server.stats()).outputBytes);
      }
    }
    await talker.barrier();
  };
  const received = (client: HostileClient) => client.received.filter((m) => m.t === 'message').length;
  for (const client of stalled) {
    await client.waitUntil(() => received(client) >= sent, `${client === stalled[0] ? 'the first' : 'a later'} non-reader to catch up`);
    client.socket.pause(); // reads nothing more from here
    await flood(LEAD);
  }
  const left = () => bystander.of('left').map((e) => e.user);
  while (left().length < names.length && sent < MAX_MESSAGES) await flood(100);

  t.log(`${sent} messages sent; output held peaked at ${peak} bytes`);
  t.deepEqual(left(), names, 'dropped furthest behind first');
  await bystander.waitFor((e) => e.t === 'message' && e.text === text(sent - 1), 'the last message');
  t.deepEqual(
    bystander.of('message').map((e) => e.text),
    Array.from({ length: sent }, (_, n) => text(n)),
    'the bystander got every message, in order',
  );
  t.is(talker.of('error').length, 0);
  t.true(peak > 0 && peak <= BUDGET, `output held peaked at ${peak} bytes; the budget is ${BUDGET}`);
  await eventually(() => names.every((name) => new RegExp(`disconnect .*user=${name} .*over the server-wide budget`).test(server.log())), 'the logged causes');
  t.is((await bystander.request('/help help')).t, 'reply');
});
