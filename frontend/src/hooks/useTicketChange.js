import { useState } from "react";
import { api } from "../api.js";

// One ticket of a loaded page changed in place (status or owner): shown at once, rolled back with a message if
// the server refuses; a 412 (someone else changed it first) reloads the page.
export function useTicketChange({ setData, reload }) {
  const [notice, setNotice] = useState("");
  const [saving, setSaving] = useState({});

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

  return { change, notice, saving };
}
