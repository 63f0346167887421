import { useState } from "react";
import { Field } from "./Field.jsx";

export function LoginForm({ onLogin }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function onSubmit(event) {
    event.preventDefault();
    setError("");
    setBusy(true);
    try {
      await onLogin(username, password);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>Staff log in</h1>
      <form onSubmit={onSubmit}>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <Field id="username" label="Username">
          {(props) => <input {...props} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />}
        </Field>
        <Field id="password" label="Password">
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </section>
  );
}
