// Files on the request or a message: each a download from the server (never shown as a page).
export function Files({ files }) {
  if (!files?.length) return null;
  return (
    <ul className="files" aria-label="Attached files">
      {files.map((file) => (
        <li key={file.id}>
          <a href={file.url} download>
            {file.name}
          </a>{" "}
          <span className="muted">({Math.max(1, Math.round(file.size / 1024))} KB)</span>
        </li>
      ))}
    </ul>
  );
}
