import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Pool } from 'undici';
import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.ts';
import { HubError } from '../../core/errors/index.ts';

const syllables = [
  'ka',
  'ren',
  'to',
  'mi',
  'lu',
  'sa',
  've',
  'dor',
  'hai',
  'qin',
  'zhu',
  'bel',
  'nor',
  'tas',
  'wen',
  'gri',
  'pol',
  'dan',
  'yue',
  'fen',
];
const trades = [
  'Auto Parts',
  'Precision Castings',
  'Fasteners',
  'Hydraulics',
  'Bearings',
  'Stampings',
  'Gear Works',
  'Forgings',
  'Springs',
  'Machining',
  'Tooling',
  'Valves',
  'Seals',
];
const places = [
  'Ningbo',
  'Stuttgart',
  'Detroit',
  'Suzhou',
  'Wuhan',
  'Tianjin',
  'Liuzhou',
  'Lyon',
  'Turin',
  'Monterrey',
  'Pune',
  'Osaka',
];
const countries = ['CN', 'DE', 'US', 'CN', 'CN', 'CN', 'CN', 'FR', 'IT', 'MX', 'IN', 'JP'];

/** An invented word per number: distinct records get distinct names, as real companies have. */
function wordOf(n: number): string {
  let word = '';
  for (let rest = n + syllables.length ** 2; rest > 0; rest = Math.floor(rest / syllables.length))
    word += syllables[rest % syllables.length];
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A generated source of distinct customers, read in pages, as a CRM would serve them. */
export function generateCustomers(count: number, prefix = 'S', firstIndex = 0) {
  return Array.from({ length: count }, (_, n) => {
    const i = firstIndex + n;
    const name = wordOf(i * 7919 + 17);
    const place = i % places.length;
    return {
      Id: `${prefix}${n + 1}`,
      Name: `${name} ${trades[i % trades.length]} Co., Ltd.`,
      Email: `buyer@${name.toLowerCase()}.example.com`,
      Phone: `+4930${String(1000000 + i)}`,
      City: places[place],
      Country: countries[place],
      Seq: n + 1,
    };
  });
}

const sources = new Map<string, ReturnType<typeof generateCustomers>>();
export function registerSource(name: string, records: ReturnType<typeof generateCustomers>) {
  sources.set(name, records);
}

/** The write target: an HTTP server that upserts batches and remembers when each record arrived. */
export async function startTargetServer(clock: () => number = () => performance.now()) {
  const arrivals = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const now = clock();
      const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ hubId: string }>;
      for (const record of batch) arrivals.set(record.hubId, now);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(batch.map((record) => ({ id: `T-${record.hubId}` }))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const pools = new Map<string, Pool>();
const poolFor = (url: string) => {
  let pool = pools.get(url);
  if (!pool) {
    pool = new Pool(url, { connections: 8, pipelining: 1 });
    pools.set(url, pool);
  }
  return pool;
};

export const loopbackConnector = defineConnector({
  kind: 'loopback',
  title: 'Loopback benchmark system',
  configSchema: z.object({
    source: z.string().default(''),
    targetUrl: z.string().default(''),
    pageSize: z.number().int().default(1000),
    webhookSecret: secret().optional(),
  }),
  streams: [
    {
      name: 'customers',
      entity: 'customer',
      primaryKey: 'Id',
      cursorField: 'Seq',
      read: true,
      write: true,
      writeBatchSize: 1000,
    },
  ],
  async check() {
    return { ok: true, checks: [] };
  },
  async *read(ctx, _stream, cursor) {
    const records = sources.get(ctx.config.source) ?? [];
    let offset = typeof cursor === 'number' ? cursor : 0;
    while (offset < records.length) {
      const page = records.slice(offset, offset + ctx.config.pageSize);
      offset += page.length;
      yield { records: page, cursor: offset };
    }
  },
  async write(ctx, _stream, ops) {
    const body = JSON.stringify(ops.map((op) => ({ ...op.record, hubId: op.canonicalId })));
    const response = await poolFor(ctx.config.targetUrl).request({
      method: 'POST',
      path: '/batch',
      body,
      headers: { 'content-type': 'application/json' },
    });
    if (response.statusCode >= 500)
      throw new HubError('transient', `http_${response.statusCode}`, 'target failed');
    const ids = (await response.body.json()) as Array<{ id: string }>;
    return ops.map((op, i) => ({
      ok: true as const,
      idempotencyKey: op.idempotencyKey,
      externalId: ids[i]!.id,
      created: !op.externalId,
    }));
  },
  async webhook(ctx, request) {
    const given = String(request.headers['x-signature'] ?? '');
    const expected = createHmac('sha256', ctx.config.webhookSecret ?? '')
      .update(request.rawBody)
      .digest('hex');
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      throw new HubError('auth', 'invalid_signature', 'bad signature');
    }
    const event = request.body as { id: string; record: { Id: string } };
    return [
      {
        eventId: event.id,
        stream: 'customers',
        externalId: event.record.Id,
        action: 'upsert',
        record: event.record,
      },
    ];
  },
});

export async function closePools() {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  pools.clear();
}
