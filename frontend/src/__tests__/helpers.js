import { render } from "@testing-library/react";
import { createElement } from "react";
import { vi } from "vitest";
import { MetaContext } from "../choices.js";

// A fake server for component tests: routes "METHOD /path" to a handler returning [status, body].
export function fakeFetch(routes) {
  const calls = [];
  const fetch = vi.fn(async (url, options = {}) => {
    const parsed = new URL(url);
    const method = options.method || "GET";
    const body =
      options.body instanceof FormData
        ? Object.fromEntries([...new Set(options.body.keys())].map((key) => [key, options.body.getAll(key)]))
        : options.body
          ? JSON.parse(options.body)
          : undefined;
    calls.push({ method, path: parsed.pathname, query: Object.fromEntries(parsed.searchParams), body, headers: options.headers });
    const handler = routes[`${method} ${parsed.pathname}`];
    if (!handler) return new Response(JSON.stringify({ detail: "Not found." }), { status: 404 });
    const [status, payload] = await handler({ body, query: Object.fromEntries(parsed.searchParams) });
    return new Response(JSON.stringify(payload), { status, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

// A copy of what /api/meta/ answers, for component tests. The server's own answer is tested in
// tickets/tests/test_api_tickets.py; this copy is not: change it with the rules.
const META = {
  choices: {
    category: [["billing", "Billing"], ["technical", "Technical"], ["account", "Account"], ["general", "General"]],
    priority: [["low", "Low"], ["medium", "Medium"], ["high", "High"], ["critical", "Critical"]],
    status: [["open", "Open"], ["in_progress", "In progress"], ["resolved", "Resolved"], ["closed", "Closed"]],
  },
  limits: { title: 200, description: 10000, search: 200 },
  page_size: 25,
  answer_within: {
    low: { minutes: 2880, working_hours: false },
    medium: { minutes: 480, working_hours: false },
    high: { minutes: 240, working_hours: true },
    critical: { minutes: 30, working_hours: false },
  },
};

// Components read the product's rules from <App>'s context; tests provide the same thing.
export function renderWithMeta(ui) {
  return render(createElement(MetaContext.Provider, { value: META }, ui));
}
