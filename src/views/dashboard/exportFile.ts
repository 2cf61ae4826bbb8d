// Writes a dashboard export into its run folder: a plain file name, a known extension, written
// to a temporary file first and renamed, so a crash never leaves half an image behind.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorText } from '../../shared/errorText';

export interface ExportRequest {
  fileName: string;
  kind: 'png' | 'markdown';
  data: string;
}

const EXTENSIONS: Record<ExportRequest['kind'], string> = { png: '.png', markdown: '.md' };

/** Checks the request; returns the reason it cannot be written, or undefined. */
export function exportProblem(req: ExportRequest): string | undefined {
  const ext = EXTENSIONS[req.kind];
  if (!ext) return `unknown export kind ${String(req.kind)}`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must not hold
  if (basename(req.fileName) !== req.fileName || req.fileName.startsWith('.') || /[\\/:*?"<>|\u0000-\u001f]/.test(req.fileName)) {
    return `"${req.fileName}" is not a plain file name`;
  }
  if (!req.fileName.toLowerCase().endsWith(ext)) return `"${req.fileName}" should end with ${ext}`;
  if (req.kind === 'png') {
    const bytes = Buffer.from(req.data, 'base64');
    if (bytes.length < 8 || bytes.toString('latin1', 1, 4) !== 'PNG') return 'the image data is not a PNG';
  }
  return undefined;
}

/** Writes the export atomically and returns its path. Throws with a message naming the file. */
export async function writeExport(runFolder: string, req: ExportRequest): Promise<string> {
  const problem = exportProblem(req);
  if (problem) throw new Error(`Cannot export: ${problem}`);
  const target = join(runFolder, req.fileName);
  const tmp = join(runFolder, `.${req.fileName}.${randomBytes(4).toString('hex')}.tmp`);
  const body = req.kind === 'png' ? Buffer.from(req.data, 'base64') : Buffer.from(req.data, 'utf8');
  try {
    await writeFile(tmp, body);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`Could not write ${target}: ${errorText(e)}`);
  }
  return target;
}
