#!/usr/bin/env node
// tsc never deletes what it emitted for a source that is gone, and the plugin loader loads every
// compiled plugin: without this, deleting plugins/roll.ts would leave /roll running. Removes each
// output in dist/ whose .ts source no longer exists.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const OUTPUT = /\.(?:js|d\.ts)(?:\.map)?$/;
const root = process.cwd();
const dist = join(root, 'dist');

function prune(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) prune(path);
    else if (OUTPUT.test(entry.name)) {
      const source = join(root, relative(dist, path)).replace(OUTPUT, '.ts');
      if (!existsSync(source)) rmSync(path);
    }
  }
}

prune(dist);
