import { HubError, parseOrThrow } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import { bufferBoardService } from './buffer-board.ts';
import type { ServiceAnswer, TocService } from './define.ts';
import { drumScheduleService } from './drum-schedule.ts';
import { quoteService } from './quote-board.ts';
import { supplierOtifService } from './supplier-otif.ts';
import { throughputService } from './throughput-ranking.ts';
import { timeBufferService } from './time-buffer-board.ts';

// One line per service; the API (GET/POST /api/toc/services/<name>) lists and runs exactly these.
const services: TocService[] = [
  drumScheduleService,
  bufferBoardService,
  timeBufferService,
  throughputService,
  quoteService,
  supplierOtifService,
];

export function listTocServices(): TocService[] {
  return [...services].sort((a, b) => a.name.localeCompare(b.name));
}

export function findTocService(name: string): TocService {
  const service = services.find((candidate) => candidate.name === name);
  if (!service) {
    throw new HubError(
      'not_found',
      'unknown_toc_service',
      `Unknown TOC service "${name}". Known: ${listTocServices()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }
  return service;
}

/** Validates the parameters (the error names the field) and runs the service on the golden records. */
export async function runTocService(db: Queryable, name: string, raw: unknown): Promise<ServiceAnswer> {
  const service = findTocService(name);
  const params = parseOrThrow(service.params, raw ?? {}, { what: `toc service ${name} parameters` });
  return { service: service.name, engine: service.engine, ...(await service.run(db, params)) };
}
