import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultBaseUrl } from '@kairos/sdk';

/** What `kairos login` keeps between runs. */
export interface SavedConfig {
  url?: string;
  apiKey?: string;
}

/** `$XDG_CONFIG_HOME/kairos/config.json`, else `~/.config/kairos/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'kairos', 'config.json');
}

export function readConfig(path = configPath()): SavedConfig {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SavedConfig;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); fix it or run "kairos logout"`);
  }
}

/** Writes the config readable by its owner only: it holds an API key. */
export function writeConfig(config: SavedConfig, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode above applies only to a new file; an existing one keeps its own.
  chmodSync(path, 0o600);
}

export function removeConfig(path = configPath()): boolean {
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

/** Where to connect and with which key: the environment first, then the saved config. */
export interface Credentials {
  url: string;
  apiKey: string | undefined;
  source: 'environment' | 'config' | 'none';
}

export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const saved = readConfig(configPath(env));
  const url = env.KAIROS_URL || saved.url || defaultBaseUrl;
  if (env.KAIROS_API_KEY) return { url, apiKey: env.KAIROS_API_KEY, source: 'environment' };
  if (saved.apiKey) return { url, apiKey: saved.apiKey, source: 'config' };
  return { url, apiKey: undefined, source: 'none' };
}
