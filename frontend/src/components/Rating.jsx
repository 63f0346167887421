import { useEffect, useRef, useState } from "react";
import { api } from "../api.js";
import { useApi } from "../hooks/useApi.js";

const CHOICES = [
  ["good", "Good"],
  ["bad", "Bad"],
];

// "How did we do?" for one resolution: good or bad, and an optional comment, changeable while the link is open.
// `initial` (from the email's link, ?rating=good) is sent at once: the customer's click was the answer.
export function Rating({ token, initial = "" }) {
  const { data, error, setData } = useApi((signal) => api.rating(token, signal), [token]);
  const [comment, setComment] = useState("");
  const [notice, setNotice] = useState("");
  const [sending, setSending] = useState(false);
  const sentInitial = useRef(false);

  async function answer(rating, text) {
    setSending(true);
    setNotice("");
    try {
      const saved = await api.rate(token, rating, text);
      setData(saved);
      setComment(saved.comment);
      setNotice(text ? "Thank you: your answer and comment were saved." : "Thank you: your answer was saved.");
    } catch (err) {
      setNotice(`Not saved: ${err.fields.comment || err.fields.rating || err.message}`);
    } finally {
      setSending(false);
    }
  }

  useEffect(() => {
    if (!data) return;
    setComment(data.comment);
    if (!sentInitial.current && CHOICES.some(([value]) => value === initial) && data.rating !== initial) {
      sentInitial.current = true;
      answer(initial, data.comment);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data === null]);

  if (error)
    return (
      <p className="error" role="alert">
        {error.status === 404 ? "This rating link has expired or is not valid." : error.message}
      </p>
    );
  if (!data) return <p>Loading…</p>;
  return (
    <section className="rating" aria-labelledby="rating-title">
      <h2 id="rating-title">How did we do?</h2>
      <p className="muted">
        About “{data.ticket.title}” (ticket #{data.ticket.id}). You can change your answer until{" "}
        <time dateTime={data.open_until}>{new Date(data.open_until).toLocaleDateString()}</time>.
      </p>
      <div className="choices" role="group" aria-label="Your answer">
        {CHOICES.map(([value, text]) => (
          <button
            key={value}
            type="button"
            className={`choice choice-${value}`}
            aria-pressed={data.rating === value}
            disabled={sending}
            onClick={() => answer(value, comment)}
          >
            {text}
          </button>
        ))}
      </div>
      {data.rating && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            answer(data.rating, comment);
          }}
        >
          <div className="field">
            <label htmlFor="rating-comment">Anything to add? (optional)</label>
            <textarea
              id="rating-comment"
              rows={3}
              maxLength={2000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <button type="submit" disabled={sending}>
            Send comment
          </button>
        </form>
      )}
      <p className="status-line" role="status" aria-live="polite">
        {notice}
      </p>
    </section>
  );
}
