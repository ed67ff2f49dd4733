#!/usr/bin/env node
// `npm run dev`: the API with restart on change (tsx watch), the web app with hot reload (Vite) and
// the chat widget rebuilt on change (esbuild watch; the server serves the new file at once).
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = process.env.PORT ?? '3000';
// The Vite dev server proxies /api to the API wherever PORT puts it.
const env = {
  ...process.env,
  CASEWORK_DEMO: process.env.CASEWORK_DEMO ?? '1',
  CASEWORK_API_URL: process.env.CASEWORK_API_URL ?? `http://127.0.0.1:${port}`,
};
const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'packages/server/src/cli.ts', 'serve'], { cwd: root, stdio: 'inherit', env }),
  spawn('npm', ['run', 'dev', '-w', '@casework/web'], { cwd: root, stdio: 'inherit', env }),
  spawn('npm', ['run', 'dev', '-w', '@casework/widget'], { cwd: root, stdio: 'inherit', env }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children)
  c.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
