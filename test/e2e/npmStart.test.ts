// `npm start` as a newcomer runs it: the compiled entry point finds its data files, seeds an empty
// database, serves the sandbox page and /healthz, and stops cleanly on SIGTERM; a bad setting stops it
// with a message naming the variable.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../config/projectRoot';

const run = promisify(execFile);
const root = projectRoot();
const entry = path.join(root, 'dist', 'bot', 'main.js');


it('starts on an empty data folder, serves the sandbox and health, and exits 0 on SIGTERM', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-start-'));
  const child = spawn(process.execPath, [entry], { cwd: root, env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const found = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (found) resolve(found[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('进圈入群');
    const groups = (await (await fetch(`${url}/sandbox/groups`)).json()) as { groups: unknown[] };
    expect(groups.groups.length).toBeGreaterThan(10);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

it('refuses to start with a wrong setting, naming the variable', async () => {
  const result = await run(process.execPath, [entry], { cwd: root, env: { ...process.env, PORT: 'eighty' } }).catch((e) => e);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('PORT');
});
