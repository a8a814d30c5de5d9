import iconv from 'iconv-lite';
import { HubError } from '../../core/errors/index.ts';
import type { CsvEncoding } from './config.ts';

const boms: Array<{ bytes: number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** A byte order mark wins over the configured encoding: the file says what it is. */
export function detectBom(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  const found = boms.find((bom) => bom.bytes.every((byte, index) => bytes[index] === byte));
  return found && { encoding: found.encoding, length: found.bytes.length };
}

export function decodeFile(bytes: Buffer, configured: CsvEncoding, fileName: string): string {
  const bom = detectBom(bytes);
  const body = bom ? bytes.subarray(bom.length) : bytes;
  const encoding = bom?.encoding ?? configured;
  if (encoding !== 'utf-8') return iconv.decode(body, encoding);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HubError(
      'invalid_data',
      'csv_encoding',
      `${fileName} is not valid UTF-8; if it comes from a Chinese-language system set the encoding to gbk`,
    );
  }
}

export function encodeFile(text: string, encoding: CsvEncoding, bom: boolean): Buffer {
  if (encoding === 'gbk') return iconv.encode(text, 'gbk');
  return Buffer.from(bom ? `\uFEFF${text}` : text, 'utf8');
}
