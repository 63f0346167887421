import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TrackPage } from "../components/TrackPage.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

afterEach(() => vi.unstubAllGlobals());

const TOKEN = "a".repeat(43);
const ticket = (messages) => ({
  id: 12,
  title: "VPN drops",
  description: "It disconnects <b>often</b>.",
  status: "open",
  created_at: "2026-11-27T10:00:00Z",
  messages,
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

  it("says plainly when a link opens nothing", async () => {
    fakeFetch({});
    renderWithMeta(<TrackPage token="nope" />);
    expect(await screen.findByRole("alert")).toHaveTextContent("This link does not open a ticket.");
  });
});
