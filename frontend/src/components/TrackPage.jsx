import { useState } from "react";
import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useApi } from "../hooks/useApi.js";

const WHO = { reply: "Support", customer: "You" };

// The submitter's page, reached by the link in their confirmation: the ticket, the replies, and a reply box.
export function TrackPage({ token }) {
  const { choices } = useMeta();
  const { data: ticket, error: failure, reload } = useApi((signal) => api.track(token, signal), [token]);
  const [body, setBody] = useState("");
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState("");
  const error = failure && (failure.status === 404 ? "This link does not open a ticket. It may have expired." : failure.message);

  async function send(event) {
    event.preventDefault();
    setSending(true);
    setNotice("");
    try {
      await api.trackReply(token, body);
      setBody("");
      setNotice("Your message was sent. We will answer here and by email.");
      reload();
    } catch (err) {
      setNotice(`Your message was not sent: ${err.fields.body || err.message}`);
    } finally {
      setSending(false);
    }
  }

  if (error)
    return (
      <section className="card">
        <p className="error" role="alert">
          {error}
        </p>
      </section>
    );
  if (!ticket) return <p>Loading…</p>;
  return (
    <section className="card track">
      <h1>{ticket.title}</h1>
      <p className="muted">
        Ticket #{ticket.id} · <span className="badge">{label(choices.status, ticket.status)}</span> · opened{" "}
        <time dateTime={ticket.created_at}>{new Date(ticket.created_at).toLocaleString()}</time>
      </p>
      <p className="description">{ticket.description}</p>
      <h2>Conversation</h2>
      {ticket.messages.length === 0 && <p className="muted">No reply yet. We will write here and by email.</p>}
      <ol className="thread">
        {ticket.messages.map((message, i) => (
          <li key={i} className={`message message-${message.kind}`}>
            <p className="muted">
              <strong>{WHO[message.kind]}</strong> ·{" "}
              <time dateTime={message.created_at}>{new Date(message.created_at).toLocaleString()}</time>
            </p>
            <p className="message-body">{message.body}</p>
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <div className="field">
          <label htmlFor="track-reply">Your answer</label>
          <textarea
            id="track-reply"
            rows={4}
            maxLength={10000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            required
          />
        </div>
        <button type="submit" disabled={sending || !body.trim()}>
          Send
        </button>
        <p className="status-line" role="status" aria-live="polite">
          {notice}
        </p>
      </form>
    </section>
  );
}
