import { HubError } from '../../../core/errors/index.ts';
import { accounts } from './accounts.ts';
import { contacts } from './contacts.ts';
import { opportunities } from './opportunities.ts';
import { orders } from './orders.ts';
import { products } from './products.ts';
import type { SObjectStream } from './sobject-stream.ts';

export const salesforceStreams: SObjectStream[] = [accounts, contacts, products, opportunities, orders];

export function findSObjectStream(name: string): SObjectStream {
  const stream = salesforceStreams.find((candidate) => candidate.spec.name === name);
  if (!stream) {
    const known = salesforceStreams.map((candidate) => candidate.spec.name).join(', ');
    throw new HubError('config', 'unknown_stream', `salesforce has no stream "${name}" (streams: ${known})`);
  }
  return stream;
}
