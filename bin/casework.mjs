#!/usr/bin/env node
// The `casework` command: runs the TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../packages/server/src/cli.ts');
