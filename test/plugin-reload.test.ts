import test from 'ava';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestClient } from './helpers/client.js';
import { pluginDir } from './helpers/plugin-dir.js';
import { startServer } from './helpers/server.js';

const greet = (word: string, extra = '') =>
  `import { Command } from 'chatserver/plugin-api';\nexport const Greet = Command({ name: 'greet', summary: 'say ${word}' })(class { run(ctx) { ctx.reply('${word}'); } });\n${extra}`;
const WAVE = "export const Wave = Command({ name: 'wave', summary: 'wave' })(class { run(ctx) { ctx.reply('o/'); } });\n";

test('with --watch, a changed plugin file is loaded again: no connection drops, clients get the new commands', async (t) => {
  const dir = pluginDir(t, { greet: greet('hello') });
  const server = await startServer(t, { pluginDirs: [dir], watch: true });
  const alice = await TestClient.login(t, server.port, 'alice');
  t.like(await alice.request('/greet'), { text: 'hello' });

  await writeFile(join(dir, 'greet.mjs'), greet('hi', WAVE));
  const update = await alice.waitFor((e) => e.t === 'commands' && e.commands.some((c) => c.name === 'wave'));
  t.like(update, { t: 'commands' });
  t.like(await alice.request('/greet'), { text: 'hi' });
  t.like(await alice.request('/wave'), { text: 'o/' });
  t.true(alice.connection.welcome.commands.some((c) => c.name === 'wave'), 'completion knows /wave');
  const bob = await TestClient.login(t, server.port, 'bob');
  t.true(bob.connection.welcome.commands.some((c) => c.name === 'wave'), 'a later welcome carries it too');

  await rm(join(dir, 'greet.mjs'));
  await alice.waitFor((e) => e.t === 'commands' && !e.commands.some((c) => c.name === 'greet'));
  t.like(await alice.refused('/greet'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.request('/help help'), { t: 'reply' }, 'the same connection carries on');
});

test('a reload that fails keeps the plugins that were running', async (t) => {
  const dir = pluginDir(t, { greet: greet('hello') });
  const server = await startServer(t, { pluginDirs: [dir] });
  const alice = await TestClient.login(t, server.port, 'alice');
  await writeFile(join(dir, 'greet.mjs'), greet('hi', 'export const Broken = Command({ name: "greet", summary: "again" })(class { run() {} });\n'));
  t.false(await server.reloadPlugins());
  t.like(await alice.request('/greet'), { text: 'hello' });
  await writeFile(join(dir, 'greet.mjs'), 'this is not javascript');
  t.false(await server.reloadPlugins());
  t.like(await alice.request('/greet'), { text: 'hello' });
  await writeFile(join(dir, 'greet.mjs'), greet('fixed'));
  t.true(await server.reloadPlugins());
  t.like(await alice.request('/greet'), { text: 'fixed' });
});
