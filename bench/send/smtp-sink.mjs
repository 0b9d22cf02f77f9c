// Usage: node smtp-sink.mjs [port]
// bench/send's independent sink: npm's smtp-server on 127.0.0.1 (plain SMTP, no AUTH), accepting every message,
// reading and discarding its data, and counting it. Port 0 (the default) lets the system choose. Prints
// "listening 127.0.0.1 PORT" first; a "count" line on standard input, and SIGTERM or Ctrl+C (which also stop it),
// print the same figures as bench/send/Sink:
//   accepted=N first_to_last_s=S rate=R connections=C
// A "mark" line answers "marked " and the figures so far, then starts them afresh from the next message (as
// bench/send/Sink does), so a warm-up send can be left out of what is measured.
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2] ?? 0);
let accepted = 0;
let connections = 0;
let first = 0n;
let last = 0n;

const server = new SMTPServer({
    // A sink on the loopback interface: nothing to protect, so no TLS and no AUTH, as Broadsheet is told with Security=None.
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    // Far above the benchmark's connection counts; the default (Infinity) would do too, this only bounds a mistake.
    maxClients: 1000,
    size: 50 * 1024 * 1024,
    onConnect(session, callback) {
        connections++;
        callback();
    },
    onData(stream, session, callback) {
        stream.on('data', () => {});
        stream.on('end', () => {
            const now = process.hrtime.bigint();
            if (accepted === 0) {
                first = now;
            }
            last = now;
            accepted++;
            callback(null, 'OK: discarded');
        });
    },
});

function figures() {
    const seconds = accepted > 1 ? Number(last - first) / 1e9 : 0;
    // The first message opens the interval, so it is not counted in the rate.
    const rate = seconds > 0 ? Math.round((accepted - 1) / seconds) : 0;
    return `accepted=${accepted} first_to_last_s=${seconds.toFixed(3)} rate=${rate} connections=${connections}`;
}

function stop() {
    console.log(figures());
    server.close(() => process.exit(0));
    // Clients that never say QUIT would hold close() open; the figures are out, so leave.
    setTimeout(() => process.exit(0), 2000).unref();
}

server.on('error', (error) => {
    console.error(`smtp-sink: ${error.message}`);
});

server.listen(port, '127.0.0.1', () => {
    console.log(`listening 127.0.0.1 ${server.server.address().port}`);
});

process.on('SIGTERM', stop);
process.on('SIGINT', stop);

createInterface({ input: process.stdin }).on('line', (line) => {
    const command = line.trim().toLowerCase();
    if (command === 'count') {
        console.log(figures());
    } else if (command === 'mark') {
        console.log(`marked ${figures()}`);
        accepted = 0;
        first = 0n;
        last = 0n;
    }
});
