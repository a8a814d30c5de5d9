import { defaultSleep, type Sleep } from './completion.ts';
import type { CsvSourceConfig } from './config.ts';
import { type FileSource, openSource, type SourceOptions } from './source/index.ts';

/** What the connector takes from its surroundings; tests replace the clock, the wait and SFTP. */
export interface CsvRuntime {
  openSource(config: CsvSourceConfig): Promise<FileSource>;
  sleep: Sleep;
  now(): Date;
}

export function createCsvRuntime(overrides: Partial<CsvRuntime> & SourceOptions = {}): CsvRuntime {
  const { createSftpClient, ...rest } = overrides;
  return {
    openSource: (config) => openSource(config, { createSftpClient }),
    sleep: defaultSleep,
    now: () => new Date(),
    ...rest,
  };
}
