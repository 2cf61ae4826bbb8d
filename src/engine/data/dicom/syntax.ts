// The transfer syntaxes a DICOM file may be written in, and which of them this project decodes.

export type Codec = 'native' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'rle';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Undefined: recognised but not decoded. */
  codec?: Codec;
}

const TABLE: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', codec: 'native' },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', codec: 'jpeg' },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg' },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (Process 14)', codec: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless (Process 14, Selection Value 1)', codec: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', codec: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', codec: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', codec: 'rle' },
  { uid: '1.2.840.10008.1.2.4.100', name: 'MPEG2 Main Profile' },
  { uid: '1.2.840.10008.1.2.4.101', name: 'MPEG2 High Profile' },
  { uid: '1.2.840.10008.1.2.4.102', name: 'MPEG-4 AVC/H.264' },
  { uid: '1.2.840.10008.1.2.4.103', name: 'MPEG-4 AVC/H.264 BD' },
  { uid: '1.2.840.10008.1.2.4.201', name: 'High-Throughput JPEG 2000 Lossless' },
  { uid: '1.2.840.10008.1.2.4.202', name: 'High-Throughput JPEG 2000 RPCL Lossless' },
  { uid: '1.2.840.10008.1.2.4.203', name: 'High-Throughput JPEG 2000' },
];

const BY_UID = new Map(TABLE.map((t) => [t.uid, t]));

/** Names the syntax, even one outside the table (as its UID). */
export function transferSyntax(uid: string): TransferSyntax {
  return BY_UID.get(uid) ?? { uid, name: `transfer syntax ${uid}` };
}

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

/** SOP classes that carry a document rather than pixels, named for the skip reason. */
export const DOCUMENT_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.104.1': 'an encapsulated PDF document',
  '1.2.840.10008.5.1.4.1.1.104.2': 'an encapsulated CDA document',
  '1.2.840.10008.5.1.4.1.1.104.3': 'an encapsulated STL model',
  '1.2.840.10008.5.1.4.1.1.88.11': 'a structured report',
  '1.2.840.10008.5.1.4.1.1.88.22': 'a structured report',
  '1.2.840.10008.5.1.4.1.1.88.33': 'a structured report',
  '1.2.840.10008.5.1.4.1.1.11.1': 'a presentation state',
};
