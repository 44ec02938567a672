import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/**
 * Writes plugin files (name → source of an `.mjs` module importing `chatserver/plugin-api`)
 * into a new temporary folder for `--plugins-dir`, removed when the test ends.
 */
export function pluginDir(t: ExecutionContext, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatserver-plugins-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, `${name}.mjs`), source);
  return dir;
}

/** Test plugins in plain JavaScript: the decorator applied as a function, dependencies by `inject`. */
export const FAULTY_PLUGINS = {
  // Throws something that is not a UserError: the user gets COMMAND_FAILED, the server carries on.
  boom: `import { Command } from 'chatserver/plugin-api';
export const BoomCommand = Command({ name: 'boom', summary: 'Always fails' })(
  class { run() { throw new TypeError('plugin bug'); } },
);`,
  // Rejects after an await, the asynchronous flavour of the same bug.
  'boom-later': `import { Command } from 'chatserver/plugin-api';
export const BoomLaterCommand = Command({ name: 'boomlater', summary: 'Fails after a turn' })(
  class { async run() { await null; throw new RangeError('async plugin bug'); } },
);`,
  // Never resolves: the time limit per command must abandon it.
  hang: `import { Command } from 'chatserver/plugin-api';
export const HangCommand = Command({ name: 'hang', summary: 'Never finishes' })(
  class { run() { return new Promise(() => {}); } },
);`,
  // Joins a room only when /release is called: a command still running when its user vanishes.
  'slow-join': `import { Command, Tokens } from 'chatserver/plugin-api';
const gates = [];
export const SlowJoinCommand = Command({ name: 'slowjoin', summary: 'Joins later', inject: [Tokens.Rooms] })(
  class {
    constructor(rooms) { this.rooms = rooms; }
    async run(ctx) {
      await new Promise((resolve) => gates.push(resolve));
      await this.rooms.join(ctx.user, 'ghosts');
    }
  },
);
export const ReleaseCommand = Command({ name: 'release', summary: 'Lets every /slowjoin go on' })(
  class { run(ctx) { const n = gates.length; gates.splice(0).forEach((go) => go()); ctx.reply(\`released \${n}\`); } },
);`,
};
