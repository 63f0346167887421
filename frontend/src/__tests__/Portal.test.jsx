import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MyTickets } from "../components/MyTickets.jsx";
import { Nav } from "../components/Nav.jsx";
import { Rating } from "../components/Rating.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "/");
});

const SIGNED_OUT = { signed_in: false, email: null };
const TICKETS = {
  results: [
    { id: 7, title: "VPN drops", status: "open", created_at: "2026-12-02T09:00:00Z", updated_at: "2026-12-02T09:00:00Z",
      last_reply: null, last_reply_at: null },
    { id: 3, title: "Printer jams", status: "resolved", created_at: "2026-12-01T09:00:00Z",
      updated_at: "2026-12-01T10:00:00Z", last_reply: "Please restart it.", last_reply_at: "2026-12-01T10:00:00Z" },
  ],
  page: 1,
  pages: 1,
  count: 2,
};

describe("Nav", () => {
  it("never shows staff pages to a visitor, and shows them to staff", () => {
    const { rerender } = render(<Nav path="/" navigate={() => {}} session={{ authenticated: false }} />);
    const links = () => screen.getAllByRole("link").map((a) => a.textContent);
    expect(links()).toEqual(["Submit a ticket", "My tickets"]);
    rerender(<Nav path="/" navigate={() => {}} session={{ authenticated: true, is_staff: true, username: "ana" }} />);
    expect(links()).toEqual(["Submit a ticket", "My tickets", "Tickets", "Dashboard"]);
  });
});

describe("MyTickets", () => {
  it("asks for a link by email and says the same thing for any address", async () => {
    const calls = fakeFetch({
      "GET /api/portal/session/": () => [200, SIGNED_OUT],
      "POST /api/portal/sign-in/": () => [202, { detail: "If we have requests from this address, a link is on its way." }],
    });
    renderWithMeta(<MyTickets navigate={() => {}} />);
    await userEvent.type(await screen.findByLabelText("Your email address"), "ann@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Email me a link" }));
    await screen.findByText("If we have requests from this address, a link is on its way.");
    expect(calls.at(-1).body).toEqual({ email: "ann@example.com" });
  });

  it("signs in with the emailed link's token, wipes it from the address bar and lists the tickets", async () => {
    window.history.replaceState(null, "", `/my-tickets#signin=${"t".repeat(43)}`);
    const calls = fakeFetch({
      "POST /api/portal/session/": () => [200, { signed_in: true, email: "ann@example.com" }],
      "GET /api/portal/tickets/": () => [200, TICKETS],
      "DELETE /api/portal/session/": () => [200, SIGNED_OUT],
    });
    const navigate = vi.fn();
    renderWithMeta(<MyTickets navigate={navigate} />);
    expect(await screen.findByText("VPN drops")).toBeInTheDocument();
    expect(window.location.hash).toBe("");
    expect(calls[0].body).toEqual({ token: "t".repeat(43) });
    expect(screen.getByText("Our last reply: Please restart it.")).toBeInTheDocument();
    expect(screen.getByText("No reply yet.")).toBeInTheDocument();
    await userEvent.click(screen.getByText("Printer jams"));
    expect(navigate).toHaveBeenCalledWith("/my-tickets/3");
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByLabelText("Your email address")).toBeInTheDocument();
  });

  it("says so when the link was used or expired", async () => {
    window.history.replaceState(null, "", `/my-tickets#signin=${"u".repeat(43)}`);
    fakeFetch({
      "POST /api/portal/session/": () => [400, { token: ["This sign-in link has expired or was already used."] }],
    });
    renderWithMeta(<MyTickets navigate={() => {}} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("expired or was already used");
    expect(screen.getByLabelText("Your email address")).toBeInTheDocument();
  });
});

describe("Rating", () => {
  it("records the answer the email's link carried at once, then takes a comment", async () => {
    const rating = { ticket: { id: 3, title: "Printer jams" }, resolved_at: "2026-12-01T10:00:00Z", rating: "",
      comment: "", open_until: "2026-12-08T10:00:00Z" };
    const calls = fakeFetch({
      "GET /api/ratings/tok/": () => [200, rating],
      "POST /api/ratings/tok/": ({ body }) => [200, { ...rating, ...body }],
    });
    renderWithMeta(<Rating token="tok" initial="bad" />);
    await screen.findByText("Thank you: your answer was saved.");
    expect(screen.getByRole("button", { name: "Bad" })).toHaveAttribute("aria-pressed", "true");
    await userEvent.type(screen.getByLabelText("Anything to add? (optional)"), "Took a week.");
    await userEvent.click(screen.getByRole("button", { name: "Send comment" }));
    await screen.findByText("Thank you: your answer and comment were saved.");
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { rating: "bad", comment: "" },
      { rating: "bad", comment: "Took a week." },
    ]);
  });
});
