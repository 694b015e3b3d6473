import { config as dotenv } from 'dotenv';
import { projectPath } from './paths.js';

/** Loads .env from the project root (or ELT_ENV_FILE); variables already in the environment win. */
export function loadEnv(): void {
  dotenv({ path: process.env.ELT_ENV_FILE || projectPath('.env'), quiet: true });
}

/** Splits a comma-separated setting, dropping blanks. */
export function listSetting(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export function numberSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}".`);
  return value;
}
