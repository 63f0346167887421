// Previous / next through a paginated list; `page` counts from 1.
export function Pager({ page, pages, hasPrevious, hasNext, go }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={() => go(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" disabled={!hasNext} onClick={() => go(page + 1)}>
        Next
      </button>
    </nav>
  );
}
