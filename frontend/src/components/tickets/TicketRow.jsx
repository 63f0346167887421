import { label, useMeta } from "../../choices.js";

// One ticket of the staff list, with its status and owner changeable in place.
export function TicketRow({ ticket, agents, saving, onStatus, onAssignee }) {
  const { choices } = useMeta();
  return (
    <tr data-ticket-id={ticket.id}>
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
          disabled={saving}
          onChange={(e) => onStatus(ticket, e.target.value)}
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
          disabled={saving}
          onChange={(e) => onAssignee(ticket, e.target.value)}
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
  );
}
