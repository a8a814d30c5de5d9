import type { z } from 'zod';
import type { Role } from '../../security/roles.ts';

export type Access = Role | 'public';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * One documented API operation: who may call it, what it takes and answers. The same list drives
 * the authorization middleware, the audit trail, the OpenAPI document and the role table test.
 */
export interface ApiOperation {
  method: HttpMethod;
  /** Express-style path including /api, e.g. `/api/failures/:id`. */
  path: string;
  role: Access;
  /**
   * The lower role a signed-in session needs. People manage their own API tokens in the admin UI
   * whatever their role, while a token needs `role` to do so: a read-only token must not mint
   * tokens or revoke its owner's.
   */
  sessionRole?: Role;
  tag: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Successful calls are written to the audit log under this action. */
  audit?: string;
  /** 202 instead of 200 on success. */
  accepted?: boolean;
}

interface CompiledOperation {
  operation: ApiOperation;
  segments: string[];
  literals: number;
}

const compiledCache = new WeakMap<ApiOperation[], CompiledOperation[]>();

function compile(operations: ApiOperation[]): CompiledOperation[] {
  let compiled = compiledCache.get(operations);
  if (!compiled) {
    compiled = operations
      .map((operation) => {
        const segments = operation.path.toLowerCase().split('/').filter(Boolean);
        return {
          operation,
          segments,
          literals: segments.filter((segment) => !segment.startsWith(':')).length,
        };
      })
      // Literal segments win over parameters: /failures/replay before /failures/:id.
      .sort((a, b) => b.literals - a.literals);
    compiledCache.set(operations, compiled);
  }
  return compiled;
}

/**
 * The operation Express routes this request to. Express matches paths case-insensitively, so
 * this must too: /api/Users reaches the users handler and needs the role of /api/users.
 */
export function findOperation(
  operations: ApiOperation[],
  method: string,
  path: string,
): ApiOperation | undefined {
  const parts = path.toLowerCase().split('/').filter(Boolean);
  const lower = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return compile(operations).find(
    ({ operation, segments }) =>
      operation.method === lower &&
      segments.length === parts.length &&
      segments.every((segment, index) => segment.startsWith(':') || segment === parts[index]),
  )?.operation;
}

/** `/api/failures/:id` → `/api/failures/{id}` */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

export function pathParams(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

/** A path segment decoded; as sent when its percent escapes are malformed (Express refuses those itself). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The path parameters of a concrete path, by the operation's pattern. */
export function matchParams(pattern: string, path: string): Record<string, string> {
  const segments = pattern.split('/').filter(Boolean);
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  segments.forEach((segment, index) => {
    if (segment.startsWith(':') && parts[index] !== undefined)
      params[segment.slice(1)] = decodeSegment(parts[index]);
  });
  return params;
}
