import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/serverban keeps a name off the server and closes its connection; /bans lists; /unserverban lifts', async (t) => {
  const server = await startTestServer({ plugins: ['serverban', 'join'] });
  t.teardown(() => server.stop());
  const [root, troll, bystander] = await server.login({ name: 'root', role: 'admin' }, 'troll', 'bystander');
  await troll!.run('/join x');
  await bystander!.run('/join x');
  t.deepEqual(await root!.run('/serverban troll 2h spam'), ['troll is banned from the server for 2 h; their connection is closed']);
  t.deepEqual(bystander!.take().at(-1), '* troll left x (banned)');
  t.like(await server.parts.bans.match('TROLL', '192.0.2.1'), { by: 'root', reason: 'spam' });
  t.deepEqual(await root!.run('/serverban 10.1.2.3/16'), ['10.1.2.3/16 is banned from the server']);
  t.like(await server.parts.bans.match('anyone', '10.1.200.9'), { target: { address: '10.1.2.3/16' } });
  t.is(await server.parts.bans.match('anyone', '10.2.0.1'), undefined);
  t.deepEqual(await root!.run('/bans'), ['2 server bans:', '  troll by root, 2 h left: spam', '  10.1.2.3/16 by root, until lifted']);
  t.deepEqual(await root!.run('/unserverban troll'), ['troll may log in again']);
  t.deepEqual(await root!.run('/unserverban troll'), ['! troll is not banned from the server']);
  t.deepEqual(await bystander!.run('/bans'), ['! /bans is for admins only']);
});

test('a server ban on an address prefix covers IPv6 and v4-mapped addresses too', async (t) => {
  const server = await startTestServer({ plugins: ['serverban'] });
  t.teardown(() => server.stop());
  const [root] = await server.login({ name: 'root', role: 'admin' });
  await root!.run('/serverban 2001:db8::/32 1d');
  await root!.run('/serverban 198.51.100.7');
  t.truthy(await server.parts.bans.match('x', '2001:db8:1::5'));
  t.truthy(await server.parts.bans.match('x', '::ffff:198.51.100.7'));
  t.is(await server.parts.bans.match('x', '198.51.100.8'), undefined);
  const [answer] = await root!.run('/serverban 300.1.1.1/8');
  t.is(answer, '300.1.1.1/8 is banned from the server', 'not an address: taken as a name');
});
