import { PAGES } from "../routes.jsx";

export function Nav({ path, navigate, session, onLogout }) {
  const link = (to, text) => (
    <a
      key={to}
      href={to}
      aria-current={path === to ? "page" : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {text}
    </a>
  );
  return (
    <header className="topbar">
      <span className="brand">Cootrack</span>
      <nav aria-label="Main">
        {/* Staff pages are listed for staff only: a customer is never shown a door to a login they do not have. */}
        {PAGES.filter((page) => page.menu && (!page.staff || session?.is_staff)).map((page) =>
          link(page.path, page.title),
        )}
      </nav>
      {session?.authenticated && (
        <span className="who">
          {session.username}{" "}
          <button type="button" className="link" onClick={onLogout}>
            Log out
          </button>
        </span>
      )}
    </header>
  );
}
