import { useState } from "react";
import { api } from "../api.js";
import { label, useMeta } from "../choices.js";
import { useSuggestion } from "../hooks/useSuggestion.js";
import { Field } from "./Field.jsx";

const EMPTY = { title: "", description: "", submitter_email: "", category: "", priority: "", website: "" };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The server's own limits (from /api/meta/), checked before sending so the user hears at once.
function validate(values, limits) {
  const errors = {};
  if (!values.title.trim()) errors.title = "Please give your ticket a title.";
  else if (values.title.trim().length > limits.title) errors.title = `Keep the title under ${limits.title} characters.`;
  if (!values.description.trim()) errors.description = "Please describe the problem.";
  else if (values.description.length > limits.description)
    errors.description = `Keep the description under ${limits.description} characters.`;
  if (values.submitter_email && !EMAIL.test(values.submitter_email.trim()))
    errors.submitter_email = "Enter a valid email address, or leave it empty.";
  return errors;
}

// "4 hours", "30 minutes", "2 days", "8 working hours": our first-reply promise as a customer reads it.
function humanMinutes({ minutes, working_hours: working }) {
  const unit = (n, word) => `${n} ${working ? "working " : ""}${word}${n === 1 ? "" : "s"}`;
  if (!working && minutes >= 1440 && minutes % 1440 === 0) return unit(minutes / 1440, "day");
  if (minutes >= 60 && minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}

export function TicketForm() {
  const { choices, limits, answer_within: answerWithin } = useMeta();
  const [values, setValues] = useState(EMPTY);
  const [chosen, setChosen] = useState({ category: false, priority: false }); // picked by the user, not the AI
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState("");
  const [sending, setSending] = useState(false);
  const [created, setCreated] = useState(null);
  const [files, setFiles] = useState([]);
  const { suggestion, state, answers, answersKey } = useSuggestion(values.title, values.description);

  // The AI's suggestion fills whatever the user has not chosen themselves.
  const shown = {
    category: chosen.category ? values.category : values.category || suggestion?.suggested_category || "",
    priority: chosen.priority ? values.priority : values.priority || suggestion?.suggested_priority || "",
  };
  const suggested = (name) => !chosen[name] && !values[name] && suggestion && shown[name];

  const set = (name) => (event) => {
    setValues((v) => ({ ...v, [name]: event.target.value }));
    if (name === "category" || name === "priority") setChosen((c) => ({ ...c, [name]: true }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
  };

  async function onSubmit(event) {
    event.preventDefault();
    const found = validate(values, limits);
    setErrors(found);
    setFormError("");
    if (Object.keys(found).length) return;
    setSending(true);
    try {
      const ticket = await api.createTicket({
        title: values.title.trim(),
        description: values.description,
        submitter_email: values.submitter_email.trim(),
        website: values.website, // the honeypot: people never see it, bots fill it
        ...(shown.category ? { category: shown.category } : {}),
        ...(shown.priority ? { priority: shown.priority } : {}),
        ...(answersKey ? { answers_key: answersKey } : {}), // the answers shown did not stop this submission
      }, files);
      setCreated(ticket);
    } catch (error) {
      setErrors(error.fields || {});
      setFormError(error.message);
    } finally {
      setSending(false);
    }
  }

  if (created) {
    return (
      <section className="card confirmation" aria-live="polite">
        <h1>Thank you, we have your ticket</h1>
        <p>
          Your reference is <strong className="reference">#{created.id}</strong>. We filed it under{" "}
          <strong>{created.category}</strong> with <strong>{created.priority}</strong> priority.
        </p>
        {created.tracking_link_emailed && (
          <p className="tracking-emailed">
            We emailed a link to <strong>{created.submitter_email}</strong>: follow your ticket, read our replies and
            answer there. Keep it to yourself.
          </p>
        )}
        {created.tracking_url && (
          <p>
            Follow it, read our replies and answer here (keep this link to yourself):{" "}
            <a className="tracking-link" href={created.tracking_url}>
              {created.tracking_url}
            </a>
          </p>
        )}
        <button
          type="button"
          onClick={() => {
            setCreated(null);
            setValues(EMPTY);
            setFiles([]);
            setChosen({ category: false, priority: false });
          }}
        >
          Submit another ticket
        </button>
      </section>
    );
  }

  return (
    <section className="card">
      <h1>Contact support</h1>
      <form onSubmit={onSubmit} noValidate aria-describedby={formError ? "form-error" : undefined}>
        {formError && (
          <p className="error form-error" id="form-error" role="alert">
            {formError}
          </p>
        )}
        <Field id="title" label="Title" error={errors.title}>
          {(props) => <input {...props} value={values.title} onChange={set("title")} maxLength={limits.title + 50} />}
        </Field>
        <Field id="description" label="Description" error={errors.description}>
          {(props) => <textarea {...props} rows={7} value={values.description} onChange={set("description")} />}
        </Field>
        {answers.length > 0 && (
          <section className="answers" aria-labelledby="answers-title">
            <h2 id="answers-title">Does one of these answer your question?</h2>
            {answers.map((answer) => (
              <details key={answer.title}>
                <summary>{answer.title}</summary>
                <p className="message-body">{answer.body}</p>
              </details>
            ))}
            <p className="hint">If not, go on: we will answer your request.</p>
          </section>
        )}
        <Field id="submitter_email" label="Email" error={errors.submitter_email} hint="Optional: where we can reply.">
          {(props) => <input {...props} type="email" value={values.submitter_email} onChange={set("submitter_email")} />}
        </Field>
        <div className="row">
          {[
            ["category", "Category", choices.category],
            ["priority", "Priority", choices.priority],
          ].map(([name, text, choices]) => (
            <Field
              key={name}
              id={name}
              label={text}
              error={errors[name]}
              hint={suggested(name) ? "Suggested from your description" : undefined}
            >
              {(props) => (
                <select {...props} value={shown[name]} onChange={set(name)} data-suggested={suggested(name) ? "true" : undefined}>
                  <option value="">Let us decide</option>
                  {choices.map(([value, choiceText]) => (
                    <option key={value} value={value}>
                      {choiceText}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))}
        </div>
        {shown.priority && answerWithin?.[shown.priority] && (
          <p className="hint answer-time" role="status">
            We usually answer {label(choices.priority, shown.priority).toLowerCase()}-priority requests within{" "}
            {humanMinutes(answerWithin[shown.priority])}.
          </p>
        )}
        <Field id="attachments" label="Files" error={errors.attachments} hint="Optional: screenshots, invoices, logs.">
          {(props) => <input {...props} type="file" multiple onChange={(e) => setFiles([...e.target.files])} />}
        </Field>
        <div className="honeypot" aria-hidden="true">
          <label htmlFor="website">Leave this field empty</label>
          <input id="website" name="website" tabIndex={-1} autoComplete="off" value={values.website} onChange={set("website")} />
        </div>
        <p className="status-line" aria-live="polite">
          {state === "loading" && "Looking at your description…"}
          {state === "unavailable" && "Suggestions are unavailable right now; you can still submit."}
        </p>
        <button type="submit" disabled={sending}>
          {sending ? "Sending…" : "Submit"}
        </button>
      </form>
    </section>
  );
}
