import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../api.js";
import { fakeFetch } from "./helpers.js";

afterEach(() => vi.unstubAllGlobals());

describe("api", () => {
  it("sends JSON with the CSRF token and same-origin credentials", async () => {
    document.cookie = "csrftoken=abc123";
    const calls = fakeFetch({ "PATCH /api/tickets/3/": () => [200, { id: 3 }] });
    await api.updateTicket(3, { status: "closed" });
    expect(calls[0].headers["X-CSRFToken"]).toBe("abc123");
    expect(calls[0].body).toEqual({ status: "closed" });
    expect(fetch.mock.calls[0][1].credentials).toBe("same-origin");
  });

  it("unwraps every error into one shape", async () => {
    fakeFetch({
      "POST /api/tickets/": () => [400, { title: ["Too long."], non_field_errors: ["Bad."] }],
      "GET /api/tickets/": () => [429, { detail: "Request was throttled." }],
      "GET /api/tickets/stats/": () => [500, null],
    });
    await expect(api.createTicket({})).rejects.toMatchObject({ status: 400, message: "Bad.", fields: { title: "Too long." } });
    await expect(api.listTickets({})).rejects.toMatchObject({ status: 429, message: "Request was throttled." });
    await expect(api.stats()).rejects.toBeInstanceOf(ApiError);
  });

  it("reports an unreachable server plainly", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    await expect(api.session()).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/Cannot reach/) });
  });
});
