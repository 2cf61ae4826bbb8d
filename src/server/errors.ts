// Turns whatever the engine throws into a ResponseError the client can show as is:
// the training process answers bad input with an error, it never dies of it.
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { ResponseError } from 'vscode-languageserver/node';
import { DatasetError } from '../engine/data/errors';
import { TrainingErrorCodes } from '../protocol/training';

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function toResponseError(error: unknown, context?: string): ResponseError<void> {
  if (error instanceof ResponseError) return error as ResponseError<void>;
  const message = context ? `${context}: ${messageOf(error)}` : messageOf(error);
  if (error instanceof DatasetError) return new ResponseError(TrainingErrorCodes.datasetError, message);
  if (error instanceof RangeError) return new ResponseError(TrainingErrorCodes.invalidSettings, message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return new ResponseError(TrainingErrorCodes.notFound, message);
  return new ResponseError(TrainingErrorCodes.failed, message);
}

/**
 * Paths from the client are absolute (the extension resolves settings against the workspace):
 * a relative one would be resolved against this process's working folder, which nobody chose.
 */
export function requireAbsolute(path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path.trim() === '') throw new ResponseError(TrainingErrorCodes.invalidSettings, `${what}: no folder given`);
  if (!isAbsolute(path) || path.includes('\0') || path.length > 4096) throw new ResponseError(TrainingErrorCodes.invalidSettings, `${what} must be an absolute path, got ${JSON.stringify(path.slice(0, 200))}`);
}

/** Rejects with a notFound ResponseError unless `path` is an existing folder. */
export async function requireFolder(path: unknown, what: string): Promise<string> {
  requireAbsolute(path, what);
  try {
    const info = await stat(path);
    if (!info.isDirectory()) throw new ResponseError(TrainingErrorCodes.notFound, `${what} is not a folder: ${path}`);
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    throw new ResponseError(TrainingErrorCodes.notFound, `${what} not found: ${path} (${messageOf(error)})`);
  }
  return path;
}
