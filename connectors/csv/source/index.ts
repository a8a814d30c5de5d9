import type { CsvSourceConfig } from '../config.ts';
import { createFolderSource } from './folder.ts';
import { createSftpSource, type SftpApi } from './sftp.ts';
import type { FileSource } from './types.ts';

export type { SftpApi } from './sftp.ts';
export * from './types.ts';

export interface SourceOptions {
  /** Replaces ssh2-sftp-client (tests). */
  createSftpClient?: () => Promise<SftpApi>;
}

export function openSource(config: CsvSourceConfig, options: SourceOptions = {}): Promise<FileSource> {
  if (config.type === 'folder') return Promise.resolve(createFolderSource(config.path));
  return createSftpSource(config, options.createSftpClient);
}
