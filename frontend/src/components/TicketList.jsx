import { useEffect, useState } from "react";
import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useApi } from "../hooks/useApi.js";

const FILTERS = ["search", "category", "priority", "status"];

function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""]));
  filters.page = Number.parseInt(params.get("page") || "1", 10) || 1;
  return filters;
}

function toQuery(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  if (filters.page > 1) params.set("page", String(filters.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function TicketList({ search, navigate }) {
  const { choices } = useMeta();
  const filters = readFilters(search);
  const { data, setData, error, reload } = useApi((signal) => api.listTickets(readFilters(search), signal), [search]);
  const agents = useApi((signal) => api.agents(signal), []).data || [];
  const [notice, setNotice] = useState("");
  const [searchText, setSearchText] = useState(filters.search);
  const [saving, setSaving] = useState({});

  useEffect(() => setSearchText(readFilters(search).search), [search]);

  const apply = (changes) => navigate(`/tickets${toQuery({ ...filters, ...changes, page: changes.page || 1 })}`);

  // One ticket changed in place (status or owner): shown at once, rolled back with a message if refused.
  async function change(ticket, changes, describe) {
    const previous = Object.fromEntries(Object.keys(changes).map((key) => [key, ticket[key]]));
    setNotice("");
    setSaving((s) => ({ ...s, [ticket.id]: true }));
    const patch = (values) =>
      setData((d) => ({ ...d, results: d.results.map((t) => (t.id === ticket.id ? { ...t, ...values } : t)) }));
    patch(changes); // optimistic
    try {
      const body = { ...changes, ...("assignee" in changes ? { assignee: changes.assignee?.id ?? null } : {}) };
      const updated = await api.updateTicket(ticket.id, body, ticket.version);
      setData((d) => ({ ...d, results: d.results.map((t) => (t.id === ticket.id ? updated : t)) }));
      setNotice(`Ticket #${ticket.id} ${describe}.`);
    } catch (err) {
      patch(previous); // rolled back
      if (err.status === 412) {
        setNotice(`Ticket #${ticket.id} was not changed: someone else changed it first. The list is refreshed.`);
        reload();
      } else {
        setNotice(`Ticket #${ticket.id} was not changed: ${err.message}`);
      }
    } finally {
      setSaving((s) => ({ ...s, [ticket.id]: false }));
    }
  }

  const changeStatus = (ticket, status) =>
    change(ticket, { status }, `is now ${label(choices.status, status).toLowerCase()}`);
  const changeAssignee = (ticket, id) => {
    const agent = agents.find((a) => String(a.id) === id) || null;
    return change(ticket, { assignee: agent }, agent ? `is now assigned to ${agent.username}` : "is unassigned");
  };

  const pages = data ? Math.max(1, Math.ceil(data.count / data.page_size)) : 1;

  return (
    <section className="card wide">
      <h1>Tickets</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          apply({ search: searchText.trim() });
        }}
      >
        <label htmlFor="search">Search</label>
        <input id="search" type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        <button type="submit">Search</button>
        {[
          ["category", "Category", choices.category],
          ["priority", "Priority", choices.priority],
          ["status", "Status", choices.status],
        ].map(([name, text, choices]) => (
          <span key={name} className="filter">
            <label htmlFor={`filter-${name}`}>{text}</label>
            <select id={`filter-${name}`} value={filters[name]} onChange={(e) => apply({ [name]: e.target.value })}>
              <option value="">All</option>
              {choices.map(([value, choiceText]) => (
                <option key={value} value={value}>
                  {choiceText}
                </option>
              ))}
            </select>
          </span>
        ))}
      </form>

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
                <th scope="col">#</th>
                <th scope="col">Title</th>
                <th scope="col">Category</th>
                <th scope="col">Priority</th>
                <th scope="col">Status</th>
                <th scope="col">Assignee</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.results.map((ticket) => (
                <tr key={ticket.id} data-ticket-id={ticket.id}>
                  <td>{ticket.id}</td>
                  <td>{ticket.title}</td>
                  <td>{label(choices.category, ticket.category)}</td>
                  <td>
                    <span className={`badge priority-${ticket.priority}`}>{label(choices.priority, ticket.priority)}</span>
                  </td>
                  <td>
                    <select
                      aria-label={`Status of ticket ${ticket.id}`}
                      value={ticket.status}
                      disabled={saving[ticket.id]}
                      onChange={(e) => changeStatus(ticket, e.target.value)}
                    >
                      {choices.status.map(([value, text]) => (
                        <option key={value} value={value}>
                          {text}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Assignee of ticket ${ticket.id}`}
                      value={ticket.assignee ? String(ticket.assignee.id) : ""}
                      disabled={saving[ticket.id]}
                      onChange={(e) => changeAssignee(ticket, e.target.value)}
                    >
                      <option value="">Nobody</option>
                      {ticket.assignee && !agents.some((a) => a.id === ticket.assignee.id) && (
                        <option value={String(ticket.assignee.id)}>{ticket.assignee.username}</option>
                      )}
                      {agents.map((agent) => (
                        <option key={agent.id} value={String(agent.id)}>
                          {agent.username}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <time dateTime={ticket.created_at}>{new Date(ticket.created_at).toLocaleString()}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.results.length === 0 && <p>No tickets match these filters.</p>}
          <nav className="pager" aria-label="Pages">
            <button type="button" disabled={!data.previous} onClick={() => apply({ page: filters.page - 1 })}>
              Previous
            </button>
            <span>
              Page {filters.page} of {pages}
            </span>
            <button type="button" disabled={!data.next} onClick={() => apply({ page: filters.page + 1 })}>
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
