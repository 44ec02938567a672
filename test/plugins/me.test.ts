import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/me shows an action to the room, marked as one, and needs a room', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'me'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  t.deepEqual(await alice.run('/me waves'), ['! you are not in a room; /join a room first']);
  await alice.run('/join lobby');
  await bob.run('/join lobby');
  bob.take();
  await alice.run('/me waves at everyone');
  t.deepEqual(bob.take(), ['[lobby] * alice waves at everyone']);
});
