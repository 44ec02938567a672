import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('the creator operates the room, can /op others and /kick members; others cannot', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'leave', 'op', 'kick'] });
  t.teardown(() => server.stop());
  const [alice, bob, carol] = await server.login('alice', 'bob', 'carol');
  for (const u of [alice, bob, carol]) await u!.run('/join lobby');
  t.deepEqual(await bob.run('/kick carol'), ['! only an operator of lobby can use /kick']);
  t.deepEqual(await alice.run('/op bob'), ['* bob is now an operator of lobby']);
  carol.take();
  await bob.run('/kick carol spamming');
  t.deepEqual(carol.take(), ['* you left lobby (kicked)', '[kick] carol was kicked by bob: spamming']);
  t.deepEqual(alice.take().slice(-2), ['* carol left lobby (kicked)', '[kick] carol was kicked by bob: spamming']);
});

test('when the last operator leaves, the next member by name inherits', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'leave', 'op'] });
  t.teardown(() => server.stop());
  const [alice, zed, bob] = await server.login('alice', 'zed', 'bob');
  for (const u of [alice, zed, bob]) await u!.run('/join lobby');
  await alice.run('/leave');
  t.deepEqual(zed.take().slice(-2), ['* alice left lobby', '* bob is now an operator of lobby']);
  t.deepEqual(await zed.run('/op zed'), ['! only an operator of lobby can use /op']);
});
