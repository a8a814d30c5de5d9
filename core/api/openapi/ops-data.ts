import { matchQuerySchema, mergeBodySchema, unmergeBodySchema } from '../routes/mdm.ts';
import { recordQuerySchema } from '../routes/records.ts';
import type { ApiOperation } from './operations.ts';
import { anyObject, keysetPageOf } from './shapes.ts';

/** Golden records, and the review of likely duplicates: deciding matches is an operator's job. */
export const dataOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/api/records/:entity',
    role: 'viewer',
    tag: 'Master data',
    summary: 'Search golden records of an entity (q matches name, key and body), by name, in keyset pages',
    query: recordQuerySchema,
    response: keysetPageOf(anyObject),
  },
  {
    method: 'get',
    path: '/api/records/:entity/:id',
    role: 'viewer',
    tag: 'Master data',
    summary: 'A golden record with field lineage, source records, xrefs, change history and merges',
    response: anyObject,
  },
  {
    method: 'get',
    path: '/api/mdm/matches',
    role: 'viewer',
    tag: 'Master data',
    summary: 'Likely duplicates by review state, with both golden records, oldest first, in keyset pages',
    query: matchQuerySchema,
    response: keysetPageOf(anyObject),
  },
  {
    method: 'post',
    path: '/api/mdm/matches/:id/approve',
    role: 'operator',
    tag: 'Master data',
    summary: 'Approve a likely duplicate: merges its two golden records',
    response: anyObject,
    audit: 'mdm.match_approve',
  },
  {
    method: 'post',
    path: '/api/mdm/matches/:id/reject',
    role: 'operator',
    tag: 'Master data',
    summary: 'Reject a likely duplicate: the records stay apart',
    response: anyObject,
    audit: 'mdm.match_reject',
  },
  {
    method: 'post',
    path: '/api/mdm/merge',
    role: 'operator',
    tag: 'Master data',
    summary: 'Merge one golden record into another by hand',
    body: mergeBodySchema,
    response: anyObject,
    audit: 'mdm.merge',
  },
  {
    method: 'post',
    path: '/api/mdm/unmerge',
    role: 'operator',
    tag: 'Master data',
    summary: 'Undo a merge',
    body: unmergeBodySchema,
    response: anyObject,
    audit: 'mdm.unmerge',
  },
];
