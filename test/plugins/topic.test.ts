import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/topic sets the topic of the room, shows it, and later joiners are told it', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'leave', 'topic'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  await alice.run('/join lobby');
  t.deepEqual(await alice.run('/topic'), ['lobby has no topic; /topic <text> sets one']);
  t.deepEqual(await alice.run('/topic release on friday'), ['[topic] alice set the topic of lobby: release on friday']);
  t.deepEqual(await bob.run('/join lobby'), ['* you joined lobby', '[topic] topic of lobby: release on friday (set by alice)']);
  t.deepEqual(await bob.run('/topic'), ['topic of lobby: release on friday (set by alice)']);
  await alice.run('/leave');
  await bob.run('/leave');
  t.deepEqual(await bob.run('/join lobby'), ['* you joined lobby'], 'an emptied room forgets its topic');
});
