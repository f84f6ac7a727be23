/** Shared CLI plumbing: effective configuration and an app on the data folder. */
import type { Command } from 'commander';
import { openApp, type App } from '../server/app.js';
import { loadConfig, type ConfigOverrides, type ServerConfig } from '../server/config.js';

export interface GlobalOptions {
  data?: string;
  store?: string;
  config?: string;
}

export function configFrom(cmd: Command, flags: ConfigOverrides = {}): ServerConfig {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({ configFile: g.config, flags: { ...flags, ...(g.data ? { data: g.data } : {}), ...(g.store ? { store: g.store } : {}) } });
}

/** Runs `fn` with an app on the data folder, closing the store afterwards. */
export async function withApp<T>(cmd: Command, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(configFrom(cmd));
  try {
    return await fn(app);
  } finally {
    await app.store.close();
  }
}

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
