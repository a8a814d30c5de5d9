import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RunningSandbox, sendJson, sendText, startHttpServer } from '../http.ts';
import { createOdooDatabase, type OdooDatabase, OdooFault, type OdooValues } from './database.ts';
import { type Domain, DomainError } from './domain.ts';

export interface OdooSandboxOptions {
  database: string;
  login: string;
  /** The password or API key the login authenticates with. */
  apiKey: string;
  port?: number;
}

export interface OdooSandbox extends RunningSandbox {
  db: OdooDatabase;
  uid: number;
}

interface RpcRequest {
  jsonrpc?: string;
  method?: string;
  params?: { service?: string; method?: string; args?: unknown[] };
  id?: number | string | null;
}

const faultOf = (exception: string, message: string) => ({
  code: 200,
  message: 'Odoo Server Error',
  data: {
    name: exception,
    debug: `Traceback (most recent call last):\n${exception}: ${message}\n`,
    message,
    arguments: [message],
    context: {},
  },
});

/** An Odoo 18 server's /jsonrpc: the common service and object.execute_kw on the sandbox database. */
export async function startOdooSandbox(options: OdooSandboxOptions): Promise<OdooSandbox> {
  const db = createOdooDatabase();
  const uid = 2;

  function common(method: string, args: unknown[]): unknown {
    if (method === 'version')
      return {
        server_version: '18.0',
        server_version_info: [18, 0, 0, 'final', 0, ''],
        server_serie: '18.0',
        protocol_version: 1,
      };
    if (method === 'authenticate' || method === 'login') {
      const [database, login, key] = args;
      if (database !== options.database)
        throw new OdooFault(
          'psycopg2.OperationalError',
          `connection to server failed: FATAL:  database "${String(database)}" does not exist`,
        );
      return login === options.login && key === options.apiKey ? uid : false;
    }
    throw new OdooFault('builtins.Exception', `Method not found: ${method}`);
  }

  function executeKw(args: unknown[]): unknown {
    const [database, user, key, model, method, positional = [], kwargs = {}] = args as [
      string,
      number,
      string,
      string,
      string,
      unknown[],
      Record<string, unknown>,
    ];
    if (database !== options.database)
      throw new OdooFault(
        'psycopg2.OperationalError',
        `connection to server failed: FATAL:  database "${database}" does not exist`,
      );
    if (user !== uid || key !== options.apiKey)
      throw new OdooFault('odoo.exceptions.AccessDenied', 'Access Denied');
    db.modelOf(model);
    const context = (kwargs.context ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'search_read': {
        const [domain = kwargs.domain ?? []] = positional as [Domain?];
        const rows = db.search(model, domain as Domain, {
          order: kwargs.order as string | undefined,
          limit: kwargs.limit as number | undefined,
          offset: kwargs.offset as number | undefined,
          activeTest: context.active_test as boolean | undefined,
        });
        return rows.map((row) => db.read(model, row, kwargs.fields as string[] | undefined));
      }
      case 'search_count':
        return db.search(model, (positional[0] ?? []) as Domain, {}).length;
      case 'read': {
        const [ids, fields] = positional as [number[], string[]?];
        return ids.flatMap((id) => {
          const row = db.get(model, id);
          return row ? [db.read(model, row, fields ?? (kwargs.fields as string[] | undefined))] : [];
        });
      }
      case 'fields_get':
        return Object.fromEntries(
          Object.entries(db.modelOf(model).fields).map(([name, def]) => [
            name,
            {
              string: name,
              type: def.type,
              required: name in db.modelOf(model).required,
              readonly: name === 'id' || name === 'write_date',
              ...('relation' in def ? { relation: def.relation } : {}),
            },
          ]),
        );
      case 'create':
        return model === 'stock.quant' && context.inventory_mode
          ? countQuant(positional[0] as OdooValues)
          : db.create(model, positional[0] as OdooValues);
      case 'write':
        return db.write(model, positional[0] as number[], positional[1] as OdooValues);
      case 'unlink':
        return db.unlink(model, positional[0] as number[]);
      case 'action_apply_inventory':
        for (const id of positional[0] as number[]) {
          const quant = db.get('stock.quant', id);
          if (quant)
            db.write('stock.quant', [id], {
              quantity: quant.inventory_quantity ?? quant.quantity,
              inventory_quantity: false,
            });
        }
        return undefined;
      default:
        throw new OdooFault(
          'builtins.AttributeError',
          `The method '${method}' does not exist on the model '${model}'`,
        );
    }
  }

  /** Inventory mode: the counted quantity lands on the quant of that product and location. */
  function countQuant(values: OdooValues): number {
    const [existing] = db.search(
      'stock.quant',
      [
        ['product_id', '=', values.product_id],
        ['location_id', '=', values.location_id],
      ],
      { limit: 1 },
    );
    if (existing) {
      db.write('stock.quant', [existing.id], { inventory_quantity: values.inventory_quantity });
      return existing.id;
    }
    return db.create('stock.quant', { quantity: 0, reserved_quantity: 0, ...values });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    if (req.url !== '/jsonrpc' || req.method !== 'POST')
      return sendText(
        res,
        404,
        '<!doctype html>\n<title>404 Not Found</title>\n',
        'text/html; charset=utf-8',
      );
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return sendText(
        res,
        400,
        `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; is type=&#39;json&#39;.</p>\n`,
        'text/html; charset=utf-8',
      );
    let request: RpcRequest;
    try {
      request = JSON.parse(body) as RpcRequest;
    } catch {
      return sendJson(res, 200, {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32700,
          message: 'Parse error',
          data: {
            name: 'werkzeug.exceptions.BadRequest',
            message: 'Invalid JSON data',
            arguments: [],
            context: {},
          },
        },
      });
    }
    const id = request.id ?? null;
    const { service, method = '', args = [] } = request.params ?? {};
    try {
      const result =
        service === 'common'
          ? common(method, args)
          : service === 'object' && method === 'execute_kw'
            ? executeKw(args)
            : undefined;
      if (service !== 'common' && !(service === 'object' && method === 'execute_kw'))
        throw new OdooFault('builtins.Exception', `Method not found: ${method}`);
      // A method that returned None: Odoo leaves the result key out.
      sendJson(res, 200, result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result });
    } catch (error) {
      if (error instanceof OdooFault)
        return sendJson(res, 200, { jsonrpc: '2.0', id, error: faultOf(error.exception, error.message) });
      if (error instanceof DomainError)
        return sendJson(res, 200, {
          jsonrpc: '2.0',
          id,
          error: faultOf('builtins.ValueError', error.message),
        });
      throw error;
    }
  }

  const server = await startHttpServer('odoo', handle, options.port);
  return { ...server, db, uid };
}
