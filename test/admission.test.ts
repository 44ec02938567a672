import test from 'ava';
import { Admission, networkOf } from '../core/server/admission.js';
import { HostileClient, json } from './helpers/hostile.js';
import { startServer } from './helpers/server.js';

// Ten addresses of one /24; any of 127.0.0.0/8 is a local address on Linux.
const ONE_NETWORK = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);

test('connections from 127.0.0.2 to 127.0.0.11 count together against --max-per-address; another /24 counts apart', async (t) => {
  const server = await startServer(t, { maxConnectionsPerAddress: 10 });
  await Promise.all(ONE_NETWORK.map((from, i) => HostileClient.login(t, server.port, `user${i}`, from)));
  const refused = await HostileClient.connect(t, server.port, { from: '127.0.0.12' });
  t.like(await refused.waitFor((m) => m.t === 'error', 'the refusal'), {
    code: 'CONNECTION_REFUSED',
    message: 'too many connections from your network 127.0.0.0/24',
  });
  await refused.waitClosed();
  await HostileClient.login(t, server.port, 'elsewhere', '127.0.1.2');
});

test('with --prefix-v4 32 each address is a network of its own', async (t) => {
  const server = await startServer(t, { maxConnectionsPerAddress: 1, prefixV4: 32 });
  await Promise.all(ONE_NETWORK.map((from, i) => HostileClient.login(t, server.port, `user${i}`, from)));
  const refused = await HostileClient.connect(t, server.port, { from: ONE_NETWORK[0] });
  t.like(await refused.waitFor((m) => m.t === 'error', 'the refusal'), { message: 'too many connections from your network 127.0.0.2/32' });
});

test('an IPv4 client of a dual-stack listener (::ffff:a.b.c.d) counts in its IPv4 /24', async (t) => {
  const server = await startServer(t, { host: '::', maxConnectionsPerAddress: 1 });
  await HostileClient.login(t, server.port, 'first', '127.0.0.2');
  const refused = await HostileClient.connect(t, server.port, { from: '127.0.0.3' });
  t.like(await refused.waitFor((m) => m.t === 'error', 'the refusal'), { message: 'too many connections from your network 127.0.0.0/24' });
});

test('--connect-rate refuses new connections from a network past the burst, with a clear error; other networks are unaffected', async (t) => {
  const server = await startServer(t, { connectRate: 1, connectBurst: 3 });
  const clients = await Promise.all(ONE_NETWORK.map((from) => HostileClient.connect(t, server.port, { from })));
  const answers = await Promise.all(
    clients.map((client) => {
      client.write(json({ t: 'hello', v: 1 }));
      return client.waitFor((m) => m.t === 'welcome' || m.t === 'error', 'welcome or refusal');
    }),
  );
  const refusals = answers.filter((m) => m.t === 'error');
  // At one new connection a second, the ten (opened at once) cannot all come after a refill.
  t.true(answers.length - refusals.length >= 3, 'the burst is let in');
  t.true(refusals.length >= 1, 'past the burst, refused');
  for (const refusal of refusals) {
    t.like(refusal, { code: 'CONNECTION_REFUSED' });
    t.regex(String(refusal.message), /^too many new connections from your network 127\.0\.0\.0\/24 \(more than 1 a second\); try again in 1 s$/);
  }
  await HostileClient.login(t, server.port, 'elsewhere', '127.0.1.2');
});

test('a network is a /24 of IPv4 or a /64 of IPv6 by default, in the usual short form', (t) => {
  const cases: [string, number, number, string][] = [
    ['127.0.0.11', 24, 64, '127.0.0.0/24'],
    ['10.1.255.7', 20, 64, '10.1.240.0/20'],
    ['1.2.3.4', 32, 64, '1.2.3.4/32'],
    ['::ffff:10.1.2.3', 24, 64, '10.1.2.0/24'],
    ['0:0:0:0:0:ffff:a01:203', 24, 64, '10.1.2.0/24'],
    ['2001:db8:1:2:3:4:5:6', 24, 64, '2001:db8:1:2::/64'],
    ['2001:db8::1', 24, 64, '2001:db8::/64'],
    ['2001:db8:aa:bbcc::1', 24, 56, '2001:db8:aa:bb00::/56'],
    ['2001:db8:0:0:1:0:0:1', 24, 128, '2001:db8::1:0:0:1/128'],
    ['fe80::1%eth0', 24, 64, 'fe80::/64'],
    ['::1', 24, 128, '::1/128'],
    ['::', 24, 64, '::/64'],
  ];
  for (const [address, v4, v6, network] of cases) t.is(networkOf(address, v4, v6), network, address);
});

test('the admission counts open connections and spends connect tokens per network, refilled over time', (t) => {
  const admission = new Admission({ maxConnectionsPerAddress: 2, prefixV4: 24, prefixV6: 64, connectRate: 2, connectBurst: 3 });
  t.is(admission.admit('10.0.0.1', 0), undefined);
  t.is(admission.admit('::ffff:10.0.0.2', 0), undefined);
  t.is(admission.admit('10.0.0.3', 0), 'too many connections from your network 10.0.0.0/24');
  admission.release('10.0.0.1');
  t.is(admission.admit('10.0.0.3', 0), undefined); // the last token of the burst
  admission.release('10.0.0.3');
  t.is(admission.admit('10.0.0.4', 0), 'too many new connections from your network 10.0.0.0/24 (more than 2 a second); try again in 1 s');
  t.is(admission.admit('10.0.1.4', 0), undefined, 'another network has its own bucket');
  t.is(admission.admit('10.0.0.4', 500), undefined, 'half a second at 2 a second is one token');
});
