// The only module that talks to the server. Every failure becomes one shape: ApiError {status, message, fields}.

const BASE = (import.meta.env.VITE_API_BASE_URL || "").replace(/\/$/, "");

export class ApiError extends Error {
  constructor(status, message, fields = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fields = fields;
  }
}

const STATUS_MESSAGES = {
  400: "Please check the highlighted fields.",
  401: "Please log in to continue.",
  403: "Please log in with a staff account to continue.",
  404: "Not found.",
  412: "Someone else changed this since it was loaded.",
  413: "That is too long to send.",
  429: "Too many requests. Please wait a moment and try again.",
};

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function toError(status, data) {
  const fields = {};
  let message = "";
  if (data && typeof data === "object" && !Array.isArray(data)) {
    for (const [key, value] of Object.entries(data)) {
      const text = Array.isArray(value) ? value.join(" ") : String(value);
      if (key === "detail" || key === "non_field_errors") message = message || text;
      else fields[key] = text;
    }
  }
  if (!message) {
    message = STATUS_MESSAGES[status] || (status >= 500 ? "The server had a problem. Please try again." : "Request failed.");
  }
  return new ApiError(status, message, fields);
}

// `form` (a FormData, for files) is sent as multipart/form-data, its boundary set by the browser; `body` as JSON.
async function request(path, { method = "GET", body, form, query, signal, headers: extraHeaders } = {}) {
  const url = new URL(`${BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();

  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw toError(response.status, data);
  return data;
}

// A POST of `fields`: JSON, or with files a form upload (each file an "attachments" part beside the fields).
function post(path, fields, files = []) {
  if (!files.length) return request(path, { method: "POST", body: fields });
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append("attachments", file);
  return request(path, { method: "POST", form });
}

export const api = {
  createTicket: (ticket, files = []) => post("/api/tickets/", ticket, files),
  classify: ({ title, description }, signal) =>
    request("/api/tickets/classify/", { method: "POST", body: { title, description }, signal }),
  suggestAnswers: ({ title, description, key }, signal) =>
    request("/api/tickets/suggest-answers/", { method: "POST", body: { title, description, key }, signal }),
  listTickets: (filters, signal) => request("/api/tickets/", { query: filters, signal }),
  // With the version the ticket was read at, the server refuses (412) a change over someone else's newer one.
  updateTicket: (id, changes, version) =>
    request(`/api/tickets/${id}/`, {
      method: "PATCH",
      body: changes,
      headers: version ? { "If-Match": `"${version}"` } : undefined,
    }),
  stats: (signal) => request("/api/tickets/stats/", { signal }),
  agents: (signal) => request("/api/agents/", { signal }),
  meta: (signal) => request("/api/meta/", { signal }),
  // The submitter's page: the token in the link is the only credential.
  // page 1 holds the newest messages; older pages follow.
  track: (token, signal, page = 1) =>
    request(`/api/track/${encodeURIComponent(token)}/`, { query: page > 1 ? { page } : {}, signal }),
  trackReply: (token, body, files = []) => post(`/api/track/${encodeURIComponent(token)}/messages/`, { body }, files),
  // "How did we do?": the signed link from the resolution email (or the tracking page) is the credential.
  rating: (token, signal) => request(`/api/ratings/${encodeURIComponent(token)}/`, { signal }),
  rate: (token, rating, comment = "") =>
    request(`/api/ratings/${encodeURIComponent(token)}/`, { method: "POST", body: { rating, comment } }),
  // "My tickets": a one-time link by email signs the customer in (a session cookie), then their tickets.
  portalAskLink: (email) => request("/api/portal/sign-in/", { method: "POST", body: { email } }),
  portalSession: (signal) => request("/api/portal/session/", { signal }),
  portalSignIn: (token) => request("/api/portal/session/", { method: "POST", body: { token } }),
  portalSignOut: () => request("/api/portal/session/", { method: "DELETE" }),
  myTickets: (page, signal) => request("/api/portal/tickets/", { query: page > 1 ? { page } : {}, signal }),
  myTicket: (id, signal, page = 1) =>
    request(`/api/portal/tickets/${id}/`, { query: page > 1 ? { page } : {}, signal }),
  myTicketReply: (id, body, files = []) => post(`/api/portal/tickets/${id}/messages/`, { body }, files),
  session: () => request("/api/session/"),
  login: (username, password) => request("/api/session/login/", { method: "POST", body: { username, password } }),
  logout: () => request("/api/session/logout/", { method: "POST", body: {} }),
};
