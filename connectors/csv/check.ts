import type { CheckResult, ConnectorContext } from '../../core/connector/types.ts';
import { toHubError } from '../../core/errors/index.ts';
import { matchingFiles } from './completion.ts';
import type { CsvConfig } from './config.ts';
import type { CsvRuntime } from './runtime.ts';
import { type FileSource, joinPath } from './source/index.ts';

type Check = CheckResult['checks'][number];

async function checkStream(
  source: FileSource,
  config: CsvConfig,
  stream: CsvConfig['streams'][number],
): Promise<Check> {
  const name = `stream ${stream.name}`;
  try {
    if (stream.direction === 'import') {
      const waiting = matchingFiles(
        await source.list(stream.folder),
        stream.pattern,
        config.completion.markerSuffix,
      );
      return {
        name,
        ok: true,
        message: `${waiting.length} file(s) matching ${stream.pattern} waiting in ${stream.folder}`,
      };
    }
    const probe = joinPath(stream.folder, '.throughput-hub-write-check');
    await source.writeAtomic(probe, Buffer.from('ok'));
    await source.remove(probe);
    return { name, ok: true, message: `export files can be written to ${stream.folder}` };
  } catch (error) {
    return { name, ok: false, message: `cannot use ${stream.folder}: ${toHubError(error).message}` };
  }
}

export async function checkCsv(ctx: ConnectorContext<CsvConfig>, runtime: CsvRuntime): Promise<CheckResult> {
  let source: FileSource;
  try {
    source = await runtime.openSource(ctx.config.source);
  } catch (error) {
    const message = `cannot open the ${ctx.config.source.type}: ${toHubError(error).message}`;
    return { ok: false, checks: [{ name: 'source', ok: false, message }] };
  }
  try {
    const checks: Check[] = [{ name: 'source', ok: true, message: `${source.label} is reachable` }];
    for (const stream of ctx.config.streams) checks.push(await checkStream(source, ctx.config, stream));
    return { ok: checks.every((check) => check.ok), checks };
  } finally {
    await source.close();
  }
}
