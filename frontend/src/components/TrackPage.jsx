import { useState } from "react";
import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useApi } from "../hooks/useApi.js";
import { Files } from "./Files.jsx";
import { Rating } from "./Rating.jsx";

const WHO = { reply: "Support", customer: "You" };

const TRACKED = {
  read: (token, signal, page) => api.track(token, signal, page),
  reply: (token, body, files) => api.trackReply(token, body, files),
  missing: "This link does not open a ticket. It may have expired.",
};

// One of the customer's tickets in "My tickets" (their sign-in is the credential, `token` the ticket's id).
export const MINE = {
  read: (id, signal, page) => api.myTicket(id, signal, page),
  reply: (id, body, files) => api.myTicketReply(id, body, files),
  missing: "This is not one of your tickets, or your sign-in has ended.",
};

// The submitter's page, reached by the link in their confirmation (or from "My tickets"): the ticket, the
// replies, and a reply box. The conversation comes a page at a time, newest page first; the reply box stays right
// under the title.
export function TrackPage({ token, source = TRACKED }) {
  const { choices, limits } = useMeta();
  const [page, setPage] = useState(1);
  const { data: ticket, error: failure, reload } = useApi((signal) => source.read(token, signal, page), [token, page]);
  const [body, setBody] = useState("");
  const [files, setFiles] = useState([]);
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState("");
  const error = failure && ([403, 404].includes(failure.status) ? source.missing : failure.message);

  async function send(event) {
    event.preventDefault();
    setSending(true);
    setNotice("");
    try {
      await source.reply(token, body, files);
      setBody("");
      setFiles([]);
      event.target.reset();
      setNotice("Your message was sent. We will answer here and by email.");
      if (page === 1) reload();
      else setPage(1);
    } catch (err) {
      setNotice(`Your message was not sent: ${err.fields.body || err.fields.attachments || err.message}`);
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
      <Files files={ticket.attachments} />
      {ticket.rating_token && <Rating token={ticket.rating_token} />}
      <form onSubmit={send}>
        <div className="field">
          <label htmlFor="track-reply">Your answer</label>
          <textarea
            id="track-reply"
            rows={4}
            maxLength={limits.description}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="track-files">Attach files (optional)</label>
          <input id="track-files" type="file" multiple onChange={(e) => setFiles([...e.target.files])} />
        </div>
        <button type="submit" disabled={sending || !body.trim()}>
          Send
        </button>
        <p className="status-line" role="status" aria-live="polite">
          {notice}
        </p>
      </form>
      <h2>Conversation</h2>
      {ticket.messages_total === 0 && <p className="muted">No reply yet. We will write here and by email.</p>}
      {ticket.pages > 1 && (
        <nav className="pager" aria-label="Conversation pages">
          <button type="button" disabled={page >= ticket.pages} onClick={() => setPage(page + 1)}>
            Older messages
          </button>
          <span>
            Page {ticket.page} of {ticket.pages}
          </span>
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer messages
          </button>
        </nav>
      )}
      <ol className="thread">
        {ticket.messages.map((message) => (
          <li key={`${message.created_at}-${message.kind}`} className={`message message-${message.kind}`}>
            <p className="muted">
              <strong>{WHO[message.kind]}</strong> ·{" "}
              <time dateTime={message.created_at}>{new Date(message.created_at).toLocaleString()}</time>
            </p>
            <p className="message-body">{message.body}</p>
            <Files files={message.attachments} />
          </li>
        ))}
      </ol>
    </section>
  );
}
