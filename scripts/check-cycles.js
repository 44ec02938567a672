#!/usr/bin/env node
// Fails when the compiled core has an import cycle: with decorator metadata under ESM, a cycle
// turns into "Cannot access 'X' before initialization" at start-up (see STYLE.md, pitfall 3).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const roots = ['dist/core', 'dist/plugins', 'dist/client'];
const files = roots.flatMap(function walk(dir) {
  try {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.js') ? [resolve(path)] : [];
    });
  } catch {
    return [];
  }
});
const graph = new Map(
  files.map((file) => {
    const source = readFileSync(file, 'utf8');
    const deps = [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => resolve(dirname(file), m[1]));
    return [file, deps.filter((d) => files.includes(d))];
  }),
);
const state = new Map();
const stack = [];
function visit(file) {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'active') {
    const cycle = stack.slice(stack.indexOf(file)).concat(file).map((f) => f.replace(`${process.cwd()}/`, ''));
    console.error(`import cycle: ${cycle.join(' -> ')}`);
    process.exit(1);
  }
  state.set(file, 'active');
  stack.push(file);
  for (const dep of graph.get(file)) visit(dep);
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) visit(file);
console.log(`no import cycles in ${files.length} modules`);
