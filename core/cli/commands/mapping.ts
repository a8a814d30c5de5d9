import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { compileMapping } from '../../mapping/compile.ts';
import { type CanonicalValidator, dryRun } from '../../mapping/dry-run.ts';
import { loadDefaultMapping, loadMappingFile } from '../../mapping/loader.ts';
import type { ReferenceResolver } from '../../mapping/references.ts';
import type { Direction, MappingDefinition } from '../../mapping/schema.ts';
import { reportFailure } from '../report-error.ts';

export interface MappingCommandDeps {
  /**
   * The mapping a connection runs (its default file merged with its override). Without it,
   * <connection> is read as a connector kind and mappings/<kind>/<stream>.<direction>.yaml is used.
   */
  loadConnectionMapping?(
    connection: string,
    stream: string,
    direction: Direction,
  ): Promise<MappingDefinition>;
  /** Read-only reference lookups for the dry-run; without it references are reported as pending. */
  resolverFor?(connection: string): ReferenceResolver | Promise<ReferenceResolver>;
  /** Canonical schema check of an inbound mapping's output, by entity. */
  validatorFor?(entity: string): CanonicalValidator | undefined;
  mappingsRoot?: string;
  write?(text: string): void;
  writeError?(text: string): void;
}

interface TestOptions {
  sample: string;
  direction: string;
  file?: string;
}

async function readSamples(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

function parseDirection(value: string): Direction {
  if (value !== 'in' && value !== 'out') throw new Error(`--direction must be in or out, not "${value}"`);
  return value;
}

export function registerMappingCommands(program: Command, deps: MappingCommandDeps = {}): void {
  const write = deps.write ?? ((text: string) => process.stdout.write(text));
  const writeError = deps.writeError ?? ((text: string) => process.stderr.write(text));
  const fail = (command: string, error: unknown) =>
    reportFailure(`mapping ${command}`, error, { exitCode: 2, write: writeError });
  const mapping = program
    .command('mapping')
    .description('Declarative mappings: check files, dry-run samples');

  mapping
    .command('test')
    .description('Map sample records and print the output and every error; writes nothing')
    .argument('<connection>', 'connection name (or connector kind when no connection lookup is wired)')
    .argument('<stream>', 'stream name, e.g. customers')
    .requiredOption('-s, --sample <file>', 'JSON file with one record or an array of records')
    .option('-d, --direction <in|out>', 'in: source to canonical, out: canonical to target', 'in')
    .option('-f, --file <mapping.yaml>', 'use this mapping file instead of the connection’s mapping')
    .action(async (connection: string, stream: string, options: TestOptions) => {
      try {
        const direction = parseDirection(options.direction);
        const definition = options.file
          ? await loadMappingFile(options.file)
          : deps.loadConnectionMapping
            ? await deps.loadConnectionMapping(connection, stream, direction)
            : await loadDefaultMapping(connection, stream, direction, deps.mappingsRoot);
        const compiled = compileMapping(definition, { source: options.file });
        const resolver = await deps.resolverFor?.(connection);
        const samples = await readSamples(options.sample);
        // Only inbound output is canonical; outbound output is the target system's shape.
        const validator = definition.direction === 'in' ? deps.validatorFor?.(definition.entity) : undefined;
        const report = await dryRun(compiled, samples, { resolver }, validator);
        write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.summary.invalid > 0) process.exitCode = 1;
      } catch (error) {
        fail('test', error);
      }
    });

  mapping
    .command('check')
    .description('Validate mapping files: YAML, schema, paths, value maps and JSONata expressions')
    .argument('<files...>', 'mapping YAML files')
    .action(async (files: string[]) => {
      for (const file of files) {
        try {
          const definition = await loadMappingFile(file);
          const { expressions } = compileMapping(definition, { source: file });
          const fields = Object.keys(definition.fields).length;
          write(
            `${file}: ok (${definition.entity} ${definition.direction} v${definition.version}, ${fields} fields, `,
          );
          write(`${expressions.fast} fast and ${expressions.jsonata} JSONata-only expressions)\n`);
        } catch (error) {
          fail('check', error);
        }
      }
    });
}
