// Recognises image formats by their first bytes, so a file's reason for being skipped does not
// depend on its name: a PNG saved as .jpg still loads, and a text file named .png is "not an image".

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'tiff' | 'webp' | 'dicom';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat }
  /** A known image or document format this project does not read. */
  | { kind: 'unsupported'; name: string }
  | { kind: 'unknown' };

function ascii(buf: Uint8Array, start: number, text: string): boolean {
  if (buf.length < start + text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * A DICOM dataset written without the 128-byte preamble and "DICM": it starts with an element of
 * group 0002 (file meta) or 0008, followed by a two-letter VR (explicit) or a short length (implicit).
 */
function looksLikeBareDicom(b: Uint8Array): boolean {
  if (b.length < 12 || !(b[0] === 2 || b[0] === 8) || b[1] !== 0 || b[3] !== 0) return false;
  const upper = (x: number): boolean => x >= 65 && x <= 90;
  if (upper(b[4]) && upper(b[5])) return true;
  return b[7] === 0 && b[6] === 0 && (b[4] | (b[5] << 8)) < 1024;
}

export function sniffFormat(buf: Uint8Array): Sniffed {
  const b = buf;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return { kind: 'image', format: 'png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', format: 'jpeg' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { kind: 'image', format: 'gif' };
  if (ascii(b, 0, 'BM') && b.length >= 18) return { kind: 'image', format: 'bmp' };
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')) return { kind: 'image', format: 'tiff' };
  if (ascii(b, 0, 'II+\0') || ascii(b, 0, 'MM\0+')) return { kind: 'unsupported', name: 'BigTIFF' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { kind: 'image', format: 'webp' };
  if (ascii(b, 128, 'DICM') || looksLikeBareDicom(b)) return { kind: 'image', format: 'dicom' };
  if (ascii(b, 4, 'ftyp')) return { kind: 'unsupported', name: 'HEIF/AVIF' };
  if (ascii(b, 0, '%PDF')) return { kind: 'unsupported', name: 'PDF' };
  if (ascii(b, 0, '8BPS')) return { kind: 'unsupported', name: 'Photoshop PSD' };
  if (ascii(b, 0, '\0\0\0\x0cjP  ') || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)) {
    return { kind: 'unsupported', name: 'JPEG 2000' };
  }
  if ((b[0] === 0xff && b[1] === 0x0a) || ascii(b, 0, '\0\0\0\x0cJXL ')) return { kind: 'unsupported', name: 'JPEG XL' };
  if (ascii(b, 0, '\0\0\x01\0') && b.length > 6) return { kind: 'unsupported', name: 'ICO' };
  if (ascii(b, 0, 'v/1\x01')) return { kind: 'unsupported', name: 'OpenEXR' };
  const head = Buffer.from(b.subarray(0, 256)).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { kind: 'unsupported', name: 'SVG' };
  return { kind: 'unknown' };
}

/**
 * Whether a file of a recognised format ends before its own structure says it should.
 * Used to name the reason when the decoder fails: decoders report a cut-off TIFF or WebP
 * as a "corrupt header" or "unsupported format", which would mislead the user.
 */
export function looksTruncated(buf: Uint8Array, format: ImageFormat): boolean {
  const n = buf.length;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  switch (format) {
    case 'png':
      return !(n >= 12 && ascii(buf, n - 8, 'IEND'));
    case 'jpeg': {
      // Some writers pad after the end marker; look for it near the end.
      for (let i = n - 2; i >= Math.max(0, n - 1024); i--) if (buf[i] === 0xff && buf[i + 1] === 0xd9) return false;
      return true;
    }
    case 'gif':
      return buf[n - 1] !== 0x3b;
    case 'webp':
      return n < 12 || dv.getUint32(4, true) + 8 > n;
    case 'tiff':
      return tiffTruncated(dv);
    case 'bmp':
      return n < 14 || dv.getUint32(2, true) > n;
    case 'dicom':
      return false; // the DICOM reader names truncation itself
  }
}

/** Whether the first IFD or the pixel data it points at (strips or tiles) lies past the end of the file. */
function tiffTruncated(dv: DataView): boolean {
  const n = dv.byteLength;
  if (n < 8) return true;
  const le = dv.getUint8(0) === 0x49;
  const ifd = dv.getUint32(4, le);
  if (ifd + 2 > n) return true;
  const count = dv.getUint16(ifd, le);
  if (ifd + 2 + count * 12 > n) return true;
  const value = (type: number, at: number): number => (type === 3 ? dv.getUint16(at, le) : dv.getUint32(at, le));
  const arrays: Record<number, number[]> = {};
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    const tag = dv.getUint16(e, le), type = dv.getUint16(e + 2, le), num = dv.getUint32(e + 4, le);
    if (![273, 279, 324, 325].includes(tag) || (type !== 3 && type !== 4)) continue;
    const size = type === 3 ? 2 : 4;
    const at = num * size <= 4 ? e + 8 : dv.getUint32(e + 8, le);
    if (at + num * size > n) return true;
    arrays[tag] = Array.from({ length: num }, (_, i) => value(type, at + i * size));
  }
  const offsets = arrays[273] ?? arrays[324] ?? [];
  const counts = arrays[279] ?? arrays[325] ?? [];
  return offsets.some((o, i) => o + (counts[i] ?? 0) > n);
}
