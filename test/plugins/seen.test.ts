import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/seen says who is online, and when someone who left was last here', async (t) => {
  const server = await startTestServer({ plugins: ['seen'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'Bob');
  t.deepEqual(await alice.run('/seen bob'), ['Bob is online now']);
  t.deepEqual(await alice.run('/seen carol'), ['carol has not been seen here']);
  await bob.logout();
  t.deepEqual(await alice.run('/seen BOB'), ['Bob was last seen 1 s ago']);
});
