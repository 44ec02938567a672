import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/register reserves your name with a password the client sent apart from the line; /password changes it', async (t) => {
  const server = await startTestServer({ plugins: ['account'] });
  t.teardown(() => server.stop());
  const [alice] = await server.login('alice');
  t.deepEqual(await alice!.run('/register', { password: 'short' }), ['! a password needs at least 8 characters']);
  t.deepEqual(await alice!.run('/register', { password: 'alice-secret' }), ["'alice' is registered: next time, log in with your password"]);
  t.true(await server.parts.accounts.verify('alice', 'alice-secret'));
  t.deepEqual(await alice!.run('/register', { password: 'alice-secret' }), ["! 'alice' is registered already; /password changes its password"]);
  t.deepEqual(await alice!.run('/password', { current: 'guess-guess', password: 'alice-new-1' }), ['! that is not your current password; nothing changed']);
  t.deepEqual(await alice!.run('/password', { current: 'alice-secret', password: 'alice-new-1' }), ['your password is changed']);
  t.true(await server.parts.accounts.verify('alice', 'alice-new-1'));
  t.deepEqual((await server.parts.identities.of('alice')), { registered: true, role: undefined });
});

test('a password typed on the line is refused, not taken: only the client may send it, hidden', async (t) => {
  const server = await startTestServer({ plugins: ['account'] });
  t.teardown(() => server.stop());
  const [bob] = await server.login('bob');
  const [answer] = await bob!.run('/register hunter22');
  t.regex(answer!, /too many arguments/);
  t.is(await server.parts.accounts.find('bob'), undefined);
  const [old] = await bob!.run('/register');
  t.regex(old!, /<password> is a secret the client asks for/);
});

test('a guest has no password to change', async (t) => {
  const server = await startTestServer({ plugins: ['account'] });
  t.teardown(() => server.stop());
  const [carol] = await server.login('carol');
  t.deepEqual(await carol!.run('/password', { current: 'whatever1', password: 'whatever2' }), ["! 'carol' is not registered; /register gives it a password"]);
});
