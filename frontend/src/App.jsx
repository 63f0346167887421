import { api } from "./api.js";
import { MetaContext } from "./choices.js";
import { LoginForm } from "./components/LoginForm.jsx";
import { Nav } from "./components/Nav.jsx";
import { useApi } from "./hooks/useApi.js";
import { useRoute } from "./hooks/useRoute.js";
import { useSession } from "./hooks/useSession.js";
import { pageFor } from "./routes.jsx";

export function App() {
  const { path, search, navigate } = useRoute();
  const { session, login, logout } = useSession();
  const { data: meta, error: metaError } = useApi((signal) => api.meta(signal), []);
  const page = pageFor(path);

  let content;
  if (metaError) content = <p className="error" role="alert">{metaError.message}</p>;
  else if (!meta || (page?.staff && session === null)) content = <p>Loading…</p>;
  else if (page?.staff && !session.authenticated) content = <LoginForm onLogin={login} />;
  else if (page) content = page.render({ path, search, navigate, session, login });
  else content = <p role="alert">There is no page here.</p>;

  return (
    <MetaContext.Provider value={meta}>
      <Nav path={path} navigate={navigate} session={session} onLogout={logout} />
      <main>{content}</main>
    </MetaContext.Provider>
  );
}
