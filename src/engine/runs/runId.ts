import { randomBytes } from 'node:crypto';

/** A run id that sorts by start time: 2026-11-24T22-50-00-3f9 (UTC, colons made file-name safe, random tail). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${stamp}-${randomBytes(2).toString('hex').slice(0, 3)}`;
}

export const RUN_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-z]+$/;
