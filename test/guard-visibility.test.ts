import test from 'ava';
import { TestClient } from './helpers/client.js';
import { pluginDir } from './helpers/plugin-dir.js';
import { startServer } from './helpers/server.js';

const VIP = `import { Command, Guard } from 'chatserver/plugin-api';
export const Vip = Guard({ name: 'vip', code: 'NOT_VIP' })(class {
  check(ctx) { return ctx.user.startsWith('vip') ? undefined : 'this lounge is for VIPs'; }
  visible(user) { return user.startsWith('vip'); }
});
export const Lounge = Command({ name: 'lounge', summary: 'VIPs only', guards: ['vip'] })(class { run(ctx) { ctx.reply('welcome'); } });`;

test("a guard that hides a command keeps it out of that user's /help and completion, and still refuses it", async (t) => {
  const { port } = await startServer(t, { pluginDirs: [pluginDir(t, { vip: VIP })] });
  const alice = await TestClient.login(t, port, 'alice');
  const vipbob = await TestClient.login(t, port, 'vipbob');
  await alice.barrier();
  t.false(alice.connection.welcome.commands.some((c) => c.name === 'lounge'), 'not offered to alice for completion');
  t.true(vipbob.connection.welcome.commands.some((c) => c.name === 'lounge'));
  t.notRegex((await alice.request('/help') as { text: string }).text, /\/lounge/);
  t.regex((await vipbob.request('/help') as { text: string }).text, /^ {2}\/lounge +VIPs only$/m);
  t.like(await alice.refused('/help lounge'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.refused('/lounge'), { code: 'NOT_VIP', message: 'this lounge is for VIPs' });
  t.like(await vipbob.request('/lounge'), { t: 'reply', text: 'welcome' });
});
