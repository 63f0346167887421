import { vi } from "vitest";

// A fake server for component tests: routes "METHOD /path" to a handler returning [status, body].
export function fakeFetch(routes) {
  const calls = [];
  const fetch = vi.fn(async (url, options = {}) => {
    const parsed = new URL(url);
    const method = options.method || "GET";
    const body = options.body ? JSON.parse(options.body) : undefined;
    calls.push({ method, path: parsed.pathname, query: Object.fromEntries(parsed.searchParams), body, headers: options.headers });
    const handler = routes[`${method} ${parsed.pathname}`];
    if (!handler) return new Response(JSON.stringify({ detail: "Not found." }), { status: 404 });
    const [status, payload] = await handler({ body, query: Object.fromEntries(parsed.searchParams) });
    return new Response(JSON.stringify(payload), { status, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}
