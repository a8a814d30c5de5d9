type Doc = ReturnType<typeof import('./document.ts').buildOpenApiDocument>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function schemaBlock(title: string, schema: unknown): string {
  if (!schema) return '';
  return `<details><summary>${title}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

/** A browsable page of the document: every operation by tag, with role, parameters and schemas. */
export function renderDocsPage(doc: Doc): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item as Record<string, unknown>)) {
      const op = raw as {
        tags?: string[];
        summary?: string;
        description?: string;
        parameters?: unknown[];
        requestBody?: { content?: Record<string, { schema?: unknown }> };
        responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
        'x-required-role'?: string;
        'x-session-role'?: string;
      };
      const role = op['x-session-role']
        ? `${op['x-required-role']}, signed in ${op['x-session-role']}`
        : (op['x-required-role'] ?? '');
      const tag = op.tags?.[0] ?? 'Other';
      const ok = op.responses?.['200'] ?? op.responses?.['202'];
      const html = `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
  <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code> <span class="role">${escapeHtml(role)}</span></h3>
  <p>${escapeHtml(op.summary ?? '')}</p>
  ${schemaBlock('Parameters', op.parameters?.length ? op.parameters : undefined)}
  ${schemaBlock('Request body', op.requestBody?.content?.['application/json']?.schema)}
  ${schemaBlock('Response', ok?.content?.['application/json']?.schema)}
</section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join('\n')}`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<link rel="stylesheet" href="/api/docs.css"></head><body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')} <a href="/api/openapi.json">openapi.json</a></p>
${sections}
</body></html>`;
}

export const docsCss = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h2{border-bottom:2px solid #e3e7ee;margin-top:2rem}.op{border:1px solid #e3e7ee;border-radius:6px;padding:.5rem 1rem;margin:.6rem 0}
.op h3{margin:.2rem 0;font-size:15px}.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7d4f}.post{background:#2b5ea7}.put,.patch{background:#a86a12}.delete{background:#b3261e}
.role{float:right;font-size:12px;color:#59606e;border:1px solid #ccd2dc;border-radius:10px;padding:0 8px}
pre{background:#f5f7fa;padding:.6rem;overflow:auto;font-size:12px}`;
