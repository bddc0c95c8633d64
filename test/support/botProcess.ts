// The bot as a separate process (dist/bot/main.js, as `npm start` runs it, compiled by test/globalSetup.js or
// the bench's build): for tests that need several instances or one killed with SIGKILL, and for the bench,
// whose load generator must not share the bot's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../config/projectRoot';

export interface BotProcess {
  child: ChildProcess;
  /** The HTTP base URL when it has the web role. */
  url: string;
  /** Everything it logged, for a failing test's message. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `nodeArgs`: options for node itself, e.g. --cpu-prof to profile the bot. */
export async function startBotProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<BotProcess> {
  const entry = path.join(projectRoot(), 'dist', 'bot', 'main.js');
  const child = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let url = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot process did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const up = /grid bot is up(?:: open (http:\/\/\S+?)\/ )?/.exec(output);
      if (up) {
        url = up[1] ?? '';
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot process exited with ${code} before it started:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
