"""Email in, the pure pieces: parse raw bytes into a ParsedMail (parse.py), tell automatic mail from a person's
(loops.py), and the reply address that threads (addresses.py). No database and no network here: the service that
stores a message is tickets/services/mail.py, the doors are tickets/inbox.py (IMAP) and the commands."""
