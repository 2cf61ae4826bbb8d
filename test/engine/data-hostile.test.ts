// Files and folders a dataset or a Classify request may hold that are not images: named pipes,
// devices, huge or lying files, unreadable folders. Each is skipped or refused with its reason,
// and nothing hangs. Reads that would block forever on a broken build run in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { DecodeError, decodeImage, readGrayFull, readImageFile } from '../../src/engine/data/decode';
import { loadDataset } from '../../src/engine/data/load';
import { tempDir, writePngs } from './helpers/images';

const root = join(__dirname, '..', '..');

/** Runs `code` (with readImageFile in scope) in a child, as `uid` when given; a hang ends at the timeout. */
/**
 * Runs code in a child process. `withoutPrivilege`: as root, the child keeps uid 0 but loses every
 * capability (util-linux's setpriv), so file modes bind it as they bind any user, while it can still
 * read a checkout that only root may enter (a clone in a 0700 folder from mktemp -d).
 */
function inChild(code: string, withoutPrivilege = false): { status: number | null; out: string; timedOut: boolean } {
  const node = [process.execPath, '--import', 'tsx', '-e', code];
  const argv = withoutPrivilege && process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-all', '--inh-caps=-all', ...node] : node;
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    timeout: 20_000,
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, timedOut: r.error !== undefined || r.signal !== null };
}

function mkfifo(path: string): string {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, `mkfifo ${path}`);
  return path;
}

async function rejectsWith(p: Promise<unknown>, reason: string, detail: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DecodeError, String(e));
    assert.equal(e.reason, reason, e.message);
    assert.match(e.detail, detail);
    return true;
  });
}

/** A JPEG of 64x64 pixels whose header claims side x side. */
async function lyingJpeg(side: number): Promise<Buffer> {
  const buf = Buffer.from(await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toBuffer());
  for (let i = 2; i < buf.length; ) {
    const marker = buf[i + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      buf.writeUInt16BE(side, i + 5);
      buf.writeUInt16BE(side, i + 7);
      return buf;
    }
    i += 2 + buf.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker');
}

describe('hostile files and folders', () => {
  it('refuses to read a named pipe instead of waiting for a writer forever', () => {
    const fifo = mkfifo(join(tempDir(), 'xray.png'));
    const r = inChild(`try { require('./src/engine/data/decode').readImageFile(${JSON.stringify(fifo)}); console.log('read'); } catch (e) { console.log('refused: ' + e.message); }`);
    assert.equal(r.timedOut, false, 'reading a FIFO returned');
    assert.match(r.out, /refused: .*named pipe/);
  });

  it('refuses a device such as /dev/zero instead of reading without end', () => {
    assert.throws(() => readImageFile('/dev/zero'), (e: unknown) => e instanceof DecodeError && /device/.test(e.detail));
  });

  it('refuses a file larger than the size cap without reading it', () => {
    const big = join(tempDir(), 'huge.png');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024); // sparse: no disk used
    closeSync(fd);
    assert.throws(() => readImageFile(big), (e: unknown) => e instanceof DecodeError && e.reason === 'unsupported' && /MiB/.test(e.detail));
  });

  it('skips a named pipe inside a dataset with its reason, not as an empty file', async () => {
    const data = tempDir();
    await writePngs(data, 'a', 4, 0);
    await writePngs(data, 'b', 4, 100);
    const fifo = mkfifo(join(data, 'a', 'pipe.png'));
    const loaded = await loadDataset(data, { imageSize: 24, valFraction: 0.25, testFraction: 0.25, seed: 1, cacheDir: tempDir() });
    const s = loaded.report.skipped.find((k) => k.path === fifo);
    assert.ok(s, 'the FIFO is listed as skipped');
    assert.equal(s.reason, 'unreadable');
    assert.match(s.detail, /named pipe/);
  });

  it('skips an unreadable class subfolder, naming it, and trains on the rest', async () => {
    const data = tempDir();
    await writePngs(data, 'a', 4, 0);
    await writePngs(data, 'b', 4, 100);
    await writePngs(data, join('a', 'locked'), 2, 200);
    chmodSync(join(data, 'a', 'locked'), 0o000);
    const cache = tempDir();
    const code = `require('./src/engine/data/load').loadDataset(${JSON.stringify(data)}, { imageSize: 24, valFraction: 0.25, testFraction: 0.25, seed: 1, cacheDir: ${JSON.stringify(cache)} })
      .then((d) => console.log(JSON.stringify({ classes: d.report.classes, skipped: d.report.skipped })), (e) => console.log(JSON.stringify({ error: e.message })))`;
    // Root reads any folder: list it without root's privileges.
    const r = inChild(code, true);
    const line = r.out.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, r.out);
    const got = JSON.parse(line) as { classes?: string[]; skipped?: { path: string; detail: string }[]; error?: string };
    assert.equal(got.error, undefined, got.error);
    assert.deepEqual(got.classes, ['a', 'b']);
    const locked = got.skipped?.find((s) => s.path === join(data, 'a', 'locked'));
    assert.ok(locked, JSON.stringify(got.skipped));
    assert.match(locked.detail, /permission denied/);
  });

  it('refuses a JPEG whose header claims 16000x16000 pixels but holds 64x64 of data', async () => {
    const path = join(tempDir(), 'liar.jpg');
    writeFileSync(path, await lyingJpeg(16000));
    await rejectsWith(decodeImage(path, 48), 'truncated', /16000x16000/);
    const path4k = join(tempDir(), 'liar4k.jpg');
    writeFileSync(path4k, await lyingJpeg(4000));
    await rejectsWith(decodeImage(path4k, 48), 'truncated', /4000x4000/);
  });

  it('refuses images of more than 100 million pixels before decoding them', async () => {
    // A PNG header claiming 16000x16000: the cap must stop it before any pixel is inflated.
    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
    const png = Buffer.from(small);
    png.writeUInt32BE(16000, 16);
    png.writeUInt32BE(16000, 20);
    const { crc32 } = await import('node:zlib');
    png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
    const path = join(tempDir(), 'giant.png');
    writeFileSync(path, png);
    await rejectsWith(readGrayFull(path), 'unsupported', /million pixels/);
  });

  it('draws overlays of a large image at most 2048 pixels wide', async () => {
    const path = join(tempDir(), 'wide.png');
    writeFileSync(path, await sharp({ create: { width: 3000, height: 600, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toBuffer());
    const full = await readGrayFull(path);
    assert.equal(full.width, 2048);
    assert.equal(full.height, 410);
    assert.deepEqual([full.sourceWidth, full.sourceHeight], [3000, 600], 'the size in the file is still reported');
  });
});
