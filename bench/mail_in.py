"""Email in, measured: 1,000 messages handed to the mail service (the one path every door takes), half new requests
(parsed, classified by the local model, stored with the SLA clock and a queued confirmation), half answers that
thread by In-Reply-To onto those tickets. Run by bench.py in a `manage.py shell` against the benchmark database;
prints one JSON line: messages per second and the process's CPU per message."""

MAIL_IN_SCRIPT = r"""
import json, statistics, time
from tickets import services
from tickets.models import TicketEmail

N = {n}
run = time.time_ns()  # new senders each run: an address gets at most a few confirmations a day
def raw(i, extra=""):
    return (
        f"From: customer{{i}}.{{run}}@example.org\r\nTo: support@example.com\r\n"
        f"Subject: Printer {{i}} jams on page two\r\n"
        f"Message-ID: <bench-{{run}}-{{i}}@example.org>\r\n{{extra}}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Our office printer {{i}} jams on every second page since the update.\r\n\r\n"
        f"Best regards,\r\nCustomer {{i}}\r\n"
    ).encode()

times, cpu_start, wall_start = [], time.process_time(), time.perf_counter()
new = []
for i in range(N // 2):
    started = time.perf_counter()
    new.append(services.mail_receive(raw=raw(i), transport="pipe"))
    times.append(time.perf_counter() - started)
ours = dict(TicketEmail.objects.filter(ticket__in=[m.ticket_id for m in new]).values_list("ticket_id", "header_id"))
for j, inbound in enumerate(new):
    started = time.perf_counter()
    services.mail_receive(raw=raw(N + j, f"In-Reply-To: {{ours[inbound.ticket_id]}}\r\n"), transport="pipe")
    times.append(time.perf_counter() - started)
wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
times.sort()
print(json.dumps({{
    "n": len(times), "per_s": len(times) / wall, "cpu_ms": 1000 * cpu / len(times),
    "median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * len(times)) - 1],
}}))
"""


def measure_mail_in(manage, env, n: int = 1000) -> dict:
    import json

    out = manage(env, "shell", "-c", MAIL_IN_SCRIPT.format(n=n), capture=True).stdout.strip().splitlines()[-1]
    figures = json.loads(out)
    name = (
        f"email in, {figures['n']:,} messages through the mail service (half new requests, half answers; "
        f"{figures['per_s']:.0f} messages/s; CPU per message {figures['cpu_ms']:.1f} ms)"
    )
    return {
        "name": name,
        "median": figures["median_ms"],
        "p95": figures["p95_ms"],
        "cpu_ms": figures["cpu_ms"],
        "budget": None,
    }
