// sink.mjs — a local SMTP server for the email tests: it accepts messages and writes
// each one to a directory, where the test reads it back.
//
//   node tests/smtp-sink/sink.mjs --port 0 --dir DIR [--key KEY.pem --cert CERT.pem]
//        [--user USER --password PASSWORD]
//
// Listens on 127.0.0.1 only. --port 0 takes a free port; the port is always the first
// line on stdout, printed once the server listens. With --key and --cert it offers
// STARTTLS (the test makes a self-signed pair with openssl); without them it offers no
// TLS at all, for testing that a client requiring TLS refuses such a server. With
// --user and --password, AUTH PLAIN and LOGIN are required and checked (a wrong
// password gets "535 Authentication failed"); with TLS, AUTH is only allowed after
// STARTTLS. Each message is written as N.eml (the bytes as received, N = 1, 2, ...)
// and then N.json ({from, to[], size, authUser, secure}); N.json appears only when
// N.eml is complete. SIGTERM or SIGINT closes the server and exits 0.
//
// The SMTP protocol is the npm package smtp-server (nodemailer's server side), from
// tests/smtp-sink/node_modules (tests/smtp-sink/install runs `npm ci` from
// package-lock.json when they are missing; offline afterwards).
import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

function usage(msg) {
  process.stderr.write(`sink: ${msg}\n` +
    'usage: node sink.mjs --port N --dir DIR [--key K --cert C] [--user U --password P]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const known = new Set(['port', 'dir', 'key', 'cert', 'user', 'password']);
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || !known.has(a.slice(2))) usage(`unknown argument ${a}`);
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    o[a.slice(2)] = argv[++i];
  }
  if (o.port === undefined || !/^\d{1,5}$/.test(o.port) || Number(o.port) > 65535) {
    usage('--port must be a number from 0 to 65535');
  }
  if (o.dir === undefined) usage('--dir is required');
  if ((o.key === undefined) !== (o.cert === undefined)) usage('--key and --cert go together');
  if ((o.user === undefined) !== (o.password === undefined)) {
    usage('--user and --password go together');
  }
  return o;
}

const opt = parseArgs(process.argv.slice(2));
fs.mkdirSync(opt.dir, { recursive: true });
const tls = opt.key !== undefined;
const auth = opt.user !== undefined;
let seq = 0;

function save(session, data) {
  seq += 1;
  const n = seq;
  fs.writeFileSync(path.join(opt.dir, `${n}.eml`), data);
  const meta = {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
    size: data.length,
    authUser: session.user ?? null,
    secure: Boolean(session.secure),
  };
  const tmp = path.join(opt.dir, `.${n}.json.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(meta) + '\n');
  fs.renameSync(tmp, path.join(opt.dir, `${n}.json`));
}

const server = new SMTPServer({
  name: 'sink.localhost',
  banner: 'arrears test sink',
  secure: false,
  key: tls ? fs.readFileSync(opt.key) : undefined,
  cert: tls ? fs.readFileSync(opt.cert) : undefined,
  hideSTARTTLS: !tls,
  authMethods: ['PLAIN', 'LOGIN'],
  authOptional: !auth,
  disabledCommands: auth ? [] : ['AUTH'],
  allowInsecureAuth: !tls,
  size: MAX_MESSAGE_BYTES,
  logger: false,
  onAuth(a, session, callback) {
    if (a.username === opt.user && a.password === opt.password) {
      callback(null, { user: a.username });
    } else {
      callback(new Error('Authentication failed: wrong user or password'));
    }
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        const err = new Error('Message exceeds the size limit');
        err.responseCode = 552;
        callback(err);
        return;
      }
      try {
        save(session, Buffer.concat(chunks));
        callback(null, `queued as ${seq}`);
      } catch (e) {
        callback(new Error(`cannot store the message: ${e.message}`));
      }
    });
  },
});

server.on('error', (e) => process.stderr.write(`sink: ${e.message}\n`));

function stop() {
  server.close(() => process.exit(0));
  // Messages are written as they arrive: nothing is lost by not waiting long for
  // connections to close.
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(opt.port), '127.0.0.1', () => {
  process.stdout.write(`${server.server.address().port}\n`);
});
