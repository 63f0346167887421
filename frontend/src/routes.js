// The app's pages, in one place: the router (App.jsx) and the menu (Nav.jsx) both read them. Django serves
// index.html for every path outside /api/, /admin/ and /static/, so no page is listed on the server.
export const PAGES = [
  { path: "/", title: "Submit a ticket", menu: true },
  { path: "/tickets", title: "Tickets", menu: true, staff: true },
  { path: "/dashboard", title: "Dashboard", menu: true, staff: true },
  { path: "/login", title: "Log in" },
  { path: "/t/", title: "Your ticket", prefix: true },
];

export function pageFor(path) {
  const clean = path.length > 1 ? path.replace(/\/$/, "") : path;
  return PAGES.find((page) => (page.prefix ? clean.startsWith(page.path) : clean === page.path)) || null;
}
