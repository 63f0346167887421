import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TrackPage } from "../components/TrackPage.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

afterEach(() => vi.unstubAllGlobals());

const TOKEN = "a".repeat(43);
const ticket = (messages, { page = 1, pages = 1 } = {}) => ({
  id: 12,
  title: "VPN drops",
  description: "It disconnects <b>often</b>.",
  status: "open",
  created_at: "2026-11-27T10:00:00Z",
  messages,
  page,
  pages,
  messages_total: messages.length,
});

describe("TrackPage", () => {
  it("shows the ticket and its replies, and sends the submitter's answer", async () => {
    let messages = [{ kind: "reply", body: "Please update the client.", created_at: "2026-11-27T11:00:00Z" }];
    const calls = fakeFetch({
      [`GET /api/track/${TOKEN}/`]: () => [200, ticket(messages)],
      [`POST /api/track/${TOKEN}/messages/`]: ({ body }) => {
        messages = [...messages, { kind: "customer", body: body.body, created_at: "2026-11-27T12:00:00Z" }];
        return [201, messages.at(-1)];
      },
    });
    renderWithMeta(<TrackPage token={TOKEN} />);
    await screen.findByRole("heading", { name: "VPN drops" });
    expect(screen.getByText("It disconnects <b>often</b>.")).toBeInTheDocument(); // text, never markup
    expect(screen.getByText("Please update the client.")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Your answer"), "Updated, still broken.");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    await screen.findByText("Your message was sent. We will answer here and by email.");
    expect(await screen.findByText("Updated, still broken.")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST")[0].body).toEqual({ body: "Updated, still broken." });
  });

  it("opens on the newest page and reads older ones on request", async () => {
    const newest = [{ kind: "customer", body: "Any news?", created_at: "2026-11-28T09:00:00Z" }];
    const older = [{ kind: "reply", body: "We are on it.", created_at: "2026-11-27T11:00:00Z" }];
    const calls = fakeFetch({
      [`GET /api/track/${TOKEN}/`]: ({ query }) =>
        query.page === "2" ? [200, ticket(older, { page: 2, pages: 2 })] : [200, ticket(newest, { pages: 2 })],
    });
    renderWithMeta(<TrackPage token={TOKEN} />);
    expect(await screen.findByText("Any news?")).toBeInTheDocument();
    expect(screen.queryByText("We are on it.")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Newer messages" })).toBeDisabled();
    await userEvent.click(screen.getByRole("button", { name: "Older messages" }));
    expect(await screen.findByText("We are on it.")).toBeInTheDocument();
    expect(screen.getByText("Page 2 of 2")).toBeInTheDocument();
    expect(calls.at(-1).query).toEqual({ page: "2" });
  });

  it("says why a message was refused when too many wait for an answer", async () => {
    fakeFetch({
      [`GET /api/track/${TOKEN}/`]: () => [200, ticket([])],
      [`POST /api/track/${TOKEN}/messages/`]: () => [429, { detail: "You have sent 5 messages we have not answered yet." }],
    });
    renderWithMeta(<TrackPage token={TOKEN} />);
    await userEvent.type(await screen.findByLabelText("Your answer"), "Hello again");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Your message was not sent: You have sent 5 messages we have not answered yet.",
    );
  });

  it("sends chosen files with the answer, and lists each message's files as downloads", async () => {
    const file = { id: 3, name: "log.txt", size: 2048, content_type: "text/plain", url: "/api/track/x/attachments/3/" };
    let messages = [];
    const calls = fakeFetch({
      [`GET /api/track/${TOKEN}/`]: () => [200, ticket(messages)],
      [`POST /api/track/${TOKEN}/messages/`]: ({ body }) => {
        messages = [{ kind: "customer", body: body.body[0], created_at: "2026-11-27T12:00:00Z", attachments: [file] }];
        return [201, messages[0]];
      },
    });
    renderWithMeta(<TrackPage token={TOKEN} />);
    await userEvent.type(await screen.findByLabelText("Your answer"), "Here is the log");
    await userEvent.upload(screen.getByLabelText("Attach files (optional)"), new File(["boom"], "log.txt", { type: "text/plain" }));
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    const link = await screen.findByRole("link", { name: "log.txt" });
    expect(link).toHaveAttribute("href", file.url);
    expect(link).toHaveAttribute("download");
    const sent = calls.find((c) => c.method === "POST").body;
    expect(sent.body).toEqual(["Here is the log"]);
    expect(sent.attachments.map((f) => f.name)).toEqual(["log.txt"]);
  });

  it("says plainly when a link opens nothing", async () => {
    fakeFetch({});
    renderWithMeta(<TrackPage token="nope" />);
    expect(await screen.findByRole("alert")).toHaveTextContent("This link does not open a ticket.");
  });
});
