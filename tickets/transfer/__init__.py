"""Tickets in and out as files: any import file made into one shape (files), the import resource that writes rows
through the services (resource), CSV and Excel exports (export), and large imports checked and written by the
background worker (jobs). The admin keeps only its views and forms."""
