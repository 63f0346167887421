import { useEffect, useState } from "react";
import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useApi } from "../hooks/useApi.js";

// The link in the sign-in email carries its one-time token after "#signin=": read once, then wiped from the address
// bar (a fragment never reaches a server's logs or another site's Referer).
function takeSignInToken() {
  const match = window.location.hash.match(/^#signin=([A-Za-z0-9_-]{20,100})$/);
  if (!match) return null;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return match[1];
}

function AskLink() {
  const [email, setEmail] = useState("");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");
  const [sending, setSending] = useState(false);

  async function send(event) {
    event.preventDefault();
    setSending(true);
    setError("");
    try {
      setNotice((await api.portalAskLink(email)).detail);
    } catch (err) {
      setError(err.fields.email || err.message);
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={send} noValidate>
      <p>Enter the email address you wrote to us from: we will email you a link to all your requests.</p>
      <div className={`field${error ? " field-invalid" : ""}`}>
        <label htmlFor="portal-email">Your email address</label>
        <input
          id="portal-email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "portal-email-error" : undefined}
          required
        />
        {error && (
          <p className="error" id="portal-email-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" disabled={sending || !email.trim()}>
        Email me a link
      </button>
      <p className="status-line" role="status" aria-live="polite">
        {notice}
      </p>
    </form>
  );
}

function TicketCards({ navigate, onSignOut, email }) {
  const { choices } = useMeta();
  const [page, setPage] = useState(1);
  const { data, error } = useApi((signal) => api.myTickets(page, signal), [page]);
  if (error) return <p className="error" role="alert">{error.message}</p>;
  if (!data) return <p>Loading…</p>;
  return (
    <>
      <p className="muted portal-who">
        Signed in as {email}.{" "}
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </p>
      {data.count === 0 && <p>You have no requests with us yet.</p>}
      <ul className="ticket-cards">
        {data.results.map((ticket) => (
          <li key={ticket.id}>
            <a
              href={`/my-tickets/${ticket.id}`}
              onClick={(event) => {
                event.preventDefault();
                navigate(`/my-tickets/${ticket.id}`);
              }}
            >
              <span className="ticket-card-title">{ticket.title}</span>
              <span className="muted">
                #{ticket.id} · <span className="badge">{label(choices.status, ticket.status)}</span> · opened{" "}
                <time dateTime={ticket.created_at}>{new Date(ticket.created_at).toLocaleDateString()}</time>
              </span>
              <span className="ticket-card-reply">
                {ticket.last_reply ? `Our last reply: ${ticket.last_reply}` : "No reply yet."}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {data.pages > 1 && (
        <nav className="pager" aria-label="Pages of your tickets">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            Page {data.page} of {data.pages}
          </span>
          <button type="button" disabled={page >= data.pages} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </nav>
      )}
    </>
  );
}

// "My tickets": sign in with an emailed link, then every request from that address, newest first.
export function MyTickets({ navigate }) {
  const [session, setSession] = useState(null);
  const [failure, setFailure] = useState("");

  useEffect(() => {
    const begin = (first) => {
      const token = takeSignInToken();
      if (!token && !first) return;
      setFailure("");
      (token ? api.portalSignIn(token) : api.portalSession()).then(setSession, (err) => {
        setFailure(err.fields.token || err.message);
        setSession({ signed_in: false, email: null });
      });
    };
    begin(true);
    // The link opened in a tab already showing this page changes only the address's fragment: sign in then too.
    const onHash = () => begin(false);
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  async function signOut() {
    setSession(await api.portalSignOut());
  }

  return (
    <section className="card">
      <h1>My tickets</h1>
      {failure && (
        <p className="error form-error" role="alert">
          {failure}
        </p>
      )}
      {session === null && <p>Loading…</p>}
      {session && !session.signed_in && <AskLink />}
      {session?.signed_in && <TicketCards navigate={navigate} onSignOut={signOut} email={session.email} />}
    </section>
  );
}
