// The systems around the hub in the sync benchmark, run in a process of their own as they would be
// on other machines: the write target (an HTTP server that records when each record arrived) and
// the source's webhook sender. The hub process pays only for its own work.
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { z } from 'zod';
import { generateCustomers, startTargetServer } from './loopback.ts';

/** Webhook records are numbered far past any bulk source, so their names are new to the hub. */
const WEBHOOK_FIRST_INDEX: Record<string, number> = { U: 1_000_000, W: 1_100_000 };

const now = () => performance.timeOrigin + performance.now();

const command = z.discriminatedUnion('type', [
  z.object({ id: z.number(), type: z.literal('arrived') }),
  z.object({ id: z.number(), type: z.literal('arrivals'), hubIds: z.array(z.string()) }),
  z.object({
    id: z.number(),
    type: z.literal('send-webhooks'),
    url: z.string(),
    secret: z.string(),
    prefix: z.string(),
    rate: z.number(),
    seconds: z.number(),
  }),
  z.object({ id: z.number(), type: z.literal('stop') }),
]);

const target = await startTargetServer(now);

async function sendWebhooks(url: string, secret: string, prefix: string, rate: number, seconds: number) {
  const sentAt: Record<string, number> = {};
  const started = performance.now();
  const sends: Promise<number>[] = [];
  // A pooled client, as a sending system would keep: fetch() would cost this process 3x the CPU.
  const { origin, pathname: path } = new URL(url);
  const intake = new Pool(origin, { connections: 16 });
  // Distinct companies, as the bulk source has, but none of the bulk's: each event is a new customer.
  const records = generateCustomers(rate * seconds, prefix, WEBHOOK_FIRST_INDEX[prefix] ?? 2_000_000);
  for (let n = 0; n < rate * seconds; n++) {
    const wait = started + (n * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const record = records[n]!;
    const body = JSON.stringify({ id: `evt-${record.Id}`, record });
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    sentAt[record.Id] = now();
    sends.push(
      intake
        .request({
          method: 'POST',
          path,
          body,
          headers: { 'content-type': 'application/json', 'x-signature': signature },
        })
        .then(async (answer) => {
          await answer.body.dump();
          return answer.statusCode;
        }),
    );
  }
  const statuses = await Promise.all(sends);
  await intake.close();
  const failed = statuses.filter((status) => status < 200 || status >= 300).length;
  return { sentAt, failed };
}

process.on('message', async (message: unknown) => {
  const parsed = command.parse(message);
  const reply = (value: unknown) => process.send!({ id: parsed.id, value });
  if (parsed.type === 'arrived') reply(target.arrivals.size);
  else if (parsed.type === 'arrivals')
    reply(
      Object.fromEntries(
        parsed.hubIds.flatMap((id) => (target.arrivals.has(id) ? [[id, target.arrivals.get(id)]] : [])),
      ),
    );
  else if (parsed.type === 'send-webhooks')
    reply(await sendWebhooks(parsed.url, parsed.secret, parsed.prefix, parsed.rate, parsed.seconds));
  else {
    await target.close();
    reply(null);
    process.exit(0);
  }
});
process.send!({ id: 0, value: { url: target.url } });
