import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TicketForm } from "../components/TicketForm.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

const LINK = `http://localhost/t/${"k".repeat(43)}`;
const ticket = (over = {}) => ({
  id: 42, title: "t", category: "billing", priority: "high", status: "open", tracking_url: LINK, ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe("TicketForm", () => {
  it("has the labelled controls people look for", () => {
    fakeFetch({});
    renderWithMeta(<TicketForm />);
    for (const name of ["Title", "Description", "Email", "Category", "Priority"]) {
      expect(screen.getByLabelText(name)).toBeInTheDocument();
    }
    expect(screen.getByRole("button", { name: "Submit" })).toBeInTheDocument();
  });

  it("says how soon we usually answer the priority shown", async () => {
    fakeFetch({});
    renderWithMeta(<TicketForm />);
    expect(screen.queryByText(/We usually answer/)).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "high");
    expect(screen.getByText("We usually answer high-priority requests within 4 working hours.")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "low");
    expect(screen.getByText("We usually answer low-priority requests within 2 days.")).toBeInTheDocument();
  });

  it("checks required fields and length before sending anything", async () => {
    const calls = fakeFetch({});
    renderWithMeta(<TicketForm />);
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(screen.getByLabelText("Title")).toHaveAccessibleDescription(/title/i);
    expect(screen.getByLabelText("Description")).toHaveAttribute("aria-invalid", "true");
    await userEvent.type(screen.getByLabelText("Title"), "x".repeat(201));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(screen.getByText(/under 200 characters/)).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it("offers answers that may solve it, and says the form was sent anyway when it is", async () => {
    const key = "k".repeat(22);
    const calls = fakeFetch({
      "POST /api/tickets/suggest-answers/": () => [
        200,
        { key, answers: [{ title: "Resetting your password", body: "Use the link on the sign-in page.", source: "canned" }] },
      ],
      "POST /api/tickets/": () => [201, ticket()],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "Password");
    await userEvent.type(screen.getByLabelText("Description"), "I forgot my password and cannot sign in");
    expect(await screen.findByText("Does one of these answer your question?", {}, { timeout: 3000 })).toBeInTheDocument();
    await userEvent.click(screen.getByText("Resetting your password"));
    expect(screen.getByText("Use the link on the sign-in page.")).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await screen.findByText(/Your reference is/);
    expect(calls.find((c) => c.path === "/api/tickets/").body.answers_key).toBe(key);
  });

  it("suggests category and priority once the user pauses typing, and lets them change it", async () => {
    const calls = fakeFetch({
      "POST /api/tickets/classify/": () => [
        200,
        { suggested_category: "billing", suggested_priority: "high", confidence: 0.9, source: "local" },
      ],
      "POST /api/tickets/": ({ body }) => [201, ticket({ category: body.category, priority: body.priority })],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "Charged twice");
    await userEvent.type(screen.getByLabelText("Description"), "My card was charged twice this month");
    await waitFor(() => expect(screen.getByLabelText("Category")).toHaveValue("billing"), { timeout: 3000 });
    expect(screen.getByLabelText("Priority")).toHaveValue("high");
    expect(screen.getAllByText("Suggested from your description")).toHaveLength(2);
    // Debounced: one request for the whole description, not one per keystroke.
    expect(calls.filter((c) => c.path === "/api/tickets/classify/")).toHaveLength(1);

    await userEvent.selectOptions(screen.getByLabelText("Priority"), "low");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    await screen.findByText("#42");
    expect(screen.getByRole("link", { name: LINK })).toHaveAttribute("href", LINK); // the one time it is shown
    const sent = calls.find((c) => c.method === "POST" && c.path === "/api/tickets/").body;
    expect(sent).toMatchObject({ title: "Charged twice", category: "billing", priority: "low" });
  });

  it("still works when classification fails", async () => {
    fakeFetch({
      "POST /api/tickets/classify/": () => [503, { detail: "unavailable" }],
      "POST /api/tickets/": () => [201, ticket({ id: 7 })],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "Help");
    await userEvent.type(screen.getByLabelText("Description"), "Something is wrong with my thing");
    await screen.findByText(/Suggestions are unavailable/, {}, { timeout: 3000 });
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(await screen.findByText("#7")).toBeInTheDocument();
  });

  it("says the link went by email, and shows none, when an address was given", async () => {
    fakeFetch({
      "POST /api/tickets/classify/": () => [503, { detail: "unavailable" }],
      "POST /api/tickets/": ({ body }) => [
        201,
        ticket({ id: 8, submitter_email: body.submitter_email, tracking_url: null, tracking_link_emailed: true }),
      ],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "Help");
    await userEvent.type(screen.getByLabelText("Description"), "Something is wrong with my thing");
    await userEvent.type(screen.getByLabelText("Email"), "ann@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(await screen.findByText(/We emailed a link to/)).toHaveTextContent("ann@example.com");
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it("sends chosen files with the submission as a form upload", async () => {
    const calls = fakeFetch({
      "POST /api/tickets/classify/": () => [503, { detail: "unavailable" }],
      "POST /api/tickets/": () => [201, ticket({ id: 9 })],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "Invoice wrong");
    await userEvent.type(screen.getByLabelText("Description"), "The total on the attached invoice is wrong");
    await userEvent.upload(screen.getByLabelText("Files"), new File(["%PDF"], "invoice.pdf", { type: "application/pdf" }));
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(await screen.findByText("#9")).toBeInTheDocument();
    const sent = calls.find((c) => c.method === "POST" && c.path === "/api/tickets/").body;
    expect(sent.title).toEqual(["Invoice wrong"]);
    expect(sent.attachments.map((f) => f.name)).toEqual(["invoice.pdf"]);
  });

  it("shows server errors beside their fields", async () => {
    fakeFetch({
      "POST /api/tickets/": () => [400, { title: ["Ensure this field has no more than 200 characters."] }],
    });
    renderWithMeta(<TicketForm />);
    await userEvent.type(screen.getByLabelText("Title"), "ok");
    await userEvent.type(screen.getByLabelText("Description"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Submit" }));
    expect(await screen.findByText("Ensure this field has no more than 200 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveAttribute("aria-invalid", "true");
  });
});
