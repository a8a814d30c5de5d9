import { defineConnector, findStream } from '../../core/connector/define.ts';
import type { Connector, Cursor, ReadPage, WriteResult } from '../../core/connector/types.ts';
import { parseOrThrow, toHubError } from '../../core/errors/index.ts';
import { createTemplateClient } from './client.ts';
import { type TemplateConfig, templateConfigSchema } from './config.ts';
import { itemListSchema, itemsPath, itemsStream } from './streams/items.ts';

/** A copy-me connector for a JSON API with token pages and an updated_since filter (see README). */
export const templateConnector: Connector<TemplateConfig> = defineConnector<TemplateConfig>({
  kind: 'template',
  title: 'Template (copy me)',
  configSchema: templateConfigSchema,
  streams: [itemsStream],

  async check(ctx) {
    try {
      await createTemplateClient(ctx).request(
        { method: 'GET', url: itemsPath, params: { limit: 1 } },
        'GET items',
      );
      return { ok: true, checks: [{ name: 'sign-in', ok: true, message: 'the API accepted the key' }] };
    } catch (error) {
      return { ok: false, checks: [{ name: 'sign-in', ok: false, message: toHubError(error).message }] };
    }
  },

  async *read(ctx, stream, cursor?: Cursor): AsyncGenerator<ReadPage> {
    findStream(templateConnector as Connector<unknown>, stream);
    const client = createTemplateClient(ctx);
    const since = typeof cursor === 'string' ? cursor : undefined;
    let high = since;
    let pageToken: string | undefined;
    do {
      const params = { limit: ctx.config.pageSize, updated_since: since, page_token: pageToken };
      const raw = await client.request({ method: 'GET', url: itemsPath, params }, 'GET items');
      const page = parseOrThrow(itemListSchema, raw, { what: 'items page' });
      for (const item of page.items) if (!high || item.updated_at > high) high = item.updated_at;
      pageToken = page.next_page_token ?? undefined;
      // The cursor moves only with the last page: pages are not sorted by updated_at.
      yield { records: page.items, cursor: pageToken ? (since ?? null) : (high ?? null) };
    } while (pageToken);
  },

  async write(ctx, stream, ops) {
    findStream(templateConnector as Connector<unknown>, stream);
    const client = createTemplateClient(ctx);
    const results: WriteResult[] = [];
    for (const op of ops) {
      try {
        const url = op.externalId ? `${itemsPath}/${encodeURIComponent(op.externalId)}` : itemsPath;
        const headers = { 'Idempotency-Key': op.idempotencyKey };
        const method = op.externalId ? 'PUT' : 'POST';
        const saved = await client.request<{ id: string }>(
          { method, url, data: op.record, headers },
          `${method} ${url}`,
        );
        results.push({
          ok: true,
          idempotencyKey: op.idempotencyKey,
          externalId: saved.id,
          created: !op.externalId,
        });
      } catch (raw) {
        const error = toHubError(raw);
        if (error.kind === 'rate_limited' || error.kind === 'auth') throw error;
        const { kind, code, message, fieldPath } = error;
        results.push({
          ok: false,
          idempotencyKey: op.idempotencyKey,
          error: { kind, code, message, fieldPath },
        });
      }
    }
    return results;
  },
});
