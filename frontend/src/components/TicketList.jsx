import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { readFilters, toQuery } from "../hooks/ticketFilters.js";
import { useApi } from "../hooks/useApi.js";
import { useTicketChange } from "../hooks/useTicketChange.js";
import { Pager } from "./tickets/Pager.jsx";
import { TicketFilters } from "./tickets/TicketFilters.jsx";
import { TicketRow } from "./tickets/TicketRow.jsx";

const COLUMNS = ["#", "Title", "Category", "Priority", "Status", "Assignee", "Created"];

// The staff list: filters in the address bar, one page of tickets, status and owner changed in place.
export function TicketList({ search, navigate }) {
  const { choices } = useMeta();
  const filters = readFilters(search);
  const { data, setData, error, reload } = useApi((signal) => api.listTickets(readFilters(search), signal), [search]);
  const agents = useApi((signal) => api.agents(signal), []).data || [];
  const { change, notice, saving } = useTicketChange({ setData, reload });

  const apply = (changes) => navigate(`/tickets${toQuery({ ...filters, ...changes, page: changes.page || 1 })}`);
  const changeStatus = (ticket, status) =>
    change(ticket, { status }, `is now ${label(choices.status, status).toLowerCase()}`);
  const changeAssignee = (ticket, id) => {
    const agent = agents.find((a) => String(a.id) === id) || null;
    return change(ticket, { assignee: agent }, agent ? `is now assigned to ${agent.username}` : "is unassigned");
  };

  return (
    <section className="card wide">
      <h1>Tickets</h1>
      <TicketFilters filters={filters} apply={apply} />
      <p className="status-line" role="status" aria-live="polite">
        {notice}
      </p>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {!data && !error && <p>Loading…</p>}
      {data && (
        <>
          <p className="count">
            {data.count} ticket{data.count === 1 ? "" : "s"}
          </p>
          <table>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.results.map((ticket) => (
                <TicketRow
                  key={ticket.id}
                  ticket={ticket}
                  agents={agents}
                  saving={Boolean(saving[ticket.id])}
                  onStatus={changeStatus}
                  onAssignee={changeAssignee}
                />
              ))}
            </tbody>
          </table>
          {data.results.length === 0 && <p>No tickets match these filters.</p>}
          <Pager
            page={filters.page}
            pages={Math.max(1, Math.ceil(data.count / data.page_size))}
            hasPrevious={Boolean(data.previous)}
            hasNext={Boolean(data.next)}
            go={(page) => apply({ page })}
          />
        </>
      )}
    </section>
  );
}
