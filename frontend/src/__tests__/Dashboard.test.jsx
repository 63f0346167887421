import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Dashboard } from "../components/Dashboard.jsx";
import { fakeFetch, renderWithMeta } from "./helpers.js";

afterEach(() => vi.unstubAllGlobals());

describe("Dashboard", () => {
  it("shows the stats endpoint's figures with the breakdowns as bars", async () => {
    fakeFetch({
      "GET /api/tickets/stats/": () => [
        200,
        {
          total_tickets: 10,
          open_tickets: 4,
          avg_tickets_per_day: 2.5,
          priority_breakdown: { low: 1, medium: 2, high: 3, critical: 4 },
          category_breakdown: { billing: 10, technical: 0, account: 0, general: 0 },
        },
      ],
    });
    renderWithMeta(<Dashboard />);
    expect(await screen.findByTestId("total-tickets")).toHaveTextContent("10");
    expect(screen.getByTestId("open-tickets")).toHaveTextContent("4");
    expect(screen.getByText("2.5")).toBeInTheDocument();
    const byPriority = screen.getByRole("region", { name: "By priority" });
    expect(byPriority.querySelectorAll("[role=meter]")).toHaveLength(4);
    expect(screen.getByRole("region", { name: "By category" }).querySelector("[aria-label=Billing]")).toHaveAttribute(
      "aria-valuenow",
      "10",
    );
  });
});
