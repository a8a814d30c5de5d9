#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step between `npm install` and `thub`.
import { register } from 'tsx/esm/api';

register();
await import('../core/cli/main.ts');
