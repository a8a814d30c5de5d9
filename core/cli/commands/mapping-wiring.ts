import type { Command } from 'commander';
import { zodValidator } from '../../mapping/dry-run.ts';
import { entitySchemas, isEntityName } from '../../model/entities.ts';
import { mappingFor } from '../../sync/mapping-source.ts';
import { createXrefResolver } from '../../sync/xref-resolver.ts';
import { cliStore } from '../shared-store.ts';
import { registerMappingCommands } from './mapping.ts';

/** `thub mapping test <connection> ...` runs the connection's own mapping (default + override) with its xref. */
export function registerConnectionMappingCommands(program: Command): void {
  registerMappingCommands(program, {
    async loadConnectionMapping(connectionId, stream, direction) {
      const store = await cliStore();
      const connection = await store.connections.get(connectionId);
      return (await mappingFor(store.db, connection, stream, direction)).compiled.definition;
    },
    async resolverFor(connectionId) {
      return createXrefResolver((await cliStore()).db, connectionId);
    },
    validatorFor: (entity) => (isEntityName(entity) ? zodValidator(entitySchemas[entity]) : undefined),
  });
}
