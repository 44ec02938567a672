#!/usr/bin/env node
// Runs the compiled server (npm start and `npm install` build it with tsc).
import '../dist/core/server/main.js';
