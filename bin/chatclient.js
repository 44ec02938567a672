#!/usr/bin/env node
// Runs the compiled client (npm start and `npm install` build it with tsc).
import '../dist/client/main.js';
