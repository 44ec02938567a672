#!/usr/bin/env node
// `npm ci` in a checkout builds dist/ (the executables run it). An install that leaves out the
// devDependencies (`npm install -g .` of a fresh clone) has no tsc: say what to do instead of
// failing with "tsc: not found".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

let haveTsc = true;
try {
  createRequire(import.meta.url).resolve('typescript/package.json');
} catch {
  haveTsc = false;
}
if (haveTsc) process.exit(spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status ?? 1);
if (existsSync(new URL('../dist/core/server/main.js', import.meta.url))) process.exit(0);
console.error('chatserver: this checkout is not built, and TypeScript is not installed to build it.');
console.error('Run `npm ci` in it first (that builds it), or install a packed tarball: `npm pack`, then `npm install -g ./chatserver-*.tgz`.');
process.exit(1);
