// The staff list's filters and page as they live in the address bar (?search=&category=&priority=&status=&page=).
export const FILTERS = ["search", "category", "priority", "status"];

export function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  filters.page = Number.parseInt(params.get("page") || "1", 10) || 1;
  return filters;
}

export function toQuery(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  if (filters.page > 1) params.set("page", String(filters.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}
