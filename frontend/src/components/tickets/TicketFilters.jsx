import { useEffect, useState } from "react";
import { useMeta } from "../../choices.js";

// The search box and the three label filters; each change goes to `apply`, which puts it in the address bar.
export function TicketFilters({ filters, apply }) {
  const { choices } = useMeta();
  const [searchText, setSearchText] = useState(filters.search);
  useEffect(() => setSearchText(filters.search), [filters.search]);

  return (
    <form
      className="filters"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        apply({ search: searchText.trim() });
      }}
    >
      <label htmlFor="search">Search</label>
      <input id="search" type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} />
      <button type="submit">Search</button>
      {[
        ["category", "Category", choices.category],
        ["priority", "Priority", choices.priority],
        ["status", "Status", choices.status],
      ].map(([name, text, options]) => (
        <span key={name} className="filter">
          <label htmlFor={`filter-${name}`}>{text}</label>
          <select id={`filter-${name}`} value={filters[name]} onChange={(e) => apply({ [name]: e.target.value })}>
            <option value="">All</option>
            {options.map(([value, optionText]) => (
              <option key={value} value={value}>
                {optionText}
              </option>
            ))}
          </select>
        </span>
      ))}
    </form>
  );
}
