import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TicketList } from "../components/TicketList.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

const row = (id, status = "open", version = `${id}-1`) => ({
  id,
  version,
  title: `Ticket ${id}`,
  category: "billing",
  priority: "high",
  status,
  created_at: "2026-11-27T10:00:00Z",
});

afterEach(() => vi.unstubAllGlobals());

describe("TicketList", () => {
  it("reads filters from the URL and puts new ones back into it", async () => {
    const calls = fakeFetch({ "GET /api/tickets/": () => [200, { count: 1, next: null, previous: null, results: [row(1)] }] });
    const navigate = vi.fn();
    renderWithMeta(<TicketList search="?search=pass&status=open" navigate={navigate} />);
    await screen.findByText("Ticket 1");
    expect(calls[0].query).toEqual({ search: "pass", status: "open", page: "1" });
    expect(screen.getByLabelText("Search")).toHaveValue("pass");
    await userEvent.selectOptions(screen.getByLabelText("Category"), "billing");
    expect(navigate).toHaveBeenCalledWith("/tickets?search=pass&category=billing&status=open");
  });

  it("changes a status in place and rolls it back with a message when refused", async () => {
    let refuse = false;
    fakeFetch({
      "GET /api/tickets/": () => [200, { count: 1, next: null, previous: null, results: [row(5)] }],
      "PATCH /api/tickets/5/": ({ body }) => (refuse ? [403, { detail: "Not allowed." }] : [200, row(5, body.status)]),
    });
    renderWithMeta(<TicketList search="" navigate={vi.fn()} />);
    const select = await screen.findByLabelText("Status of ticket 5");
    await userEvent.selectOptions(select, "resolved");
    await screen.findByText("Ticket #5 is now resolved.");
    expect(select).toHaveValue("resolved");

    refuse = true;
    await userEvent.selectOptions(select, "closed");
    await screen.findByText(/Ticket #5 was not changed: Not allowed\./);
    await waitFor(() => expect(select).toHaveValue("resolved"));
  });

  it("sends the version it read, and refreshes the list when someone else changed the ticket first", async () => {
    let listed = row(7, "open", "7-1");
    const calls = fakeFetch({
      "GET /api/tickets/": () => [200, { count: 1, next: null, previous: null, results: [listed] }],
      "PATCH /api/tickets/7/": () => [412, { detail: "The ticket was changed by someone else since you read it." }],
    });
    renderWithMeta(<TicketList search="" navigate={vi.fn()} />);
    const select = await screen.findByLabelText("Status of ticket 7");
    listed = row(7, "in_progress", "7-2"); // someone else changed it after the list was read
    await userEvent.selectOptions(select, "resolved");
    await screen.findByText(/someone else changed it first\. The list is refreshed\./);
    const patchCall = calls.find((c) => c.method === "PATCH");
    expect(patchCall.headers["If-Match"]).toBe('"7-1"');
    await waitFor(() => expect(screen.getByLabelText("Status of ticket 7")).toHaveValue("in_progress"));
    expect(calls.filter((c) => c.method === "GET" && c.path === "/api/tickets/")).toHaveLength(2);
  });

  it("shows who owns each ticket and assigns it to another agent in place", async () => {
    const calls = fakeFetch({
      "GET /api/tickets/": () => [200, { count: 1, page_size: 25, next: null, previous: null, results: [{ ...row(3), assignee: null }] }],
      "GET /api/agents/": () => [200, [{ id: 4, username: "ann" }, { id: 9, username: "bo" }]],
      "PATCH /api/tickets/3/": ({ body }) => [200, { ...row(3, "open", "3-2"), assignee: { id: body.assignee, username: "bo" } }],
    });
    renderWithMeta(<TicketList search="" navigate={vi.fn()} />);
    const owner = await screen.findByLabelText("Assignee of ticket 3");
    expect(owner).toHaveValue("");
    await screen.findByRole("option", { name: "bo" });
    await userEvent.selectOptions(owner, "9");
    await screen.findByText("Ticket #3 is now assigned to bo.");
    expect(calls.find((c) => c.method === "PATCH").body).toEqual({ assignee: 9 });
    expect(owner).toHaveValue("9");
  });
});
