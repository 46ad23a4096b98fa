// Real mail servers for a browser test, each on a free local port with its own throwaway files
// (not the system services), as the server's own e-mail tests start them
// (crates/web/tests/common/mail.rs); `scripts/test` installs both before the browser tests:
// - Debian's dovecot as the IMAP server: plaintext login allowed on localhost, one user in a
//   passwd file, mail in a maildir under the test's folder. Mail arrives by IMAP APPEND.
// - Debian's python3-aiosmtpd as the SMTP server: it writes each mail it accepts into a folder
//   the test reads.
// A machine without them fails the test with what to install: nothing is skipped.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const USER = 'kefu@wuye.example';
const PASSWORD = 'imap-test-password';
const PYTHON = '/usr/bin/python3';

/** The SMTP server: aiosmtpd's controller with a handler that keeps mail as files. */
const SMTP_SERVER = `
import os, sys, threading, time
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]

class Keep:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(folder, "%d.eml" % time.time_ns())
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(name + ".part", name)
        return "250 2.0.0 Ok: queued"

Controller(Keep(), hostname="127.0.0.1", port=port).start()
threading.Event().wait()
`;

function dovecot() {
  const found = ['/usr/sbin/dovecot', '/usr/bin/dovecot'].find((file) => fs.existsSync(file));
  if (!found) throw new Error('dovecot not found: `apt-get install -y dovecot-imapd` (scripts/test installs it)');
  return found;
}

function checkAiosmtpd() {
  try {
    execFileSync(PYTHON, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
  } catch {
    throw new Error('aiosmtpd not found: `apt-get install -y python3-aiosmtpd` (scripts/test installs it)');
  }
}

/** A port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts connections on `port`. */
async function waitFor(port, what) {
  for (let i = 0; i < 200; i += 1) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not come up on port ${port}`);
}

function dovecotConfig(dir, port) {
  // Run as root, dovecot gives mail to an unprivileged user; otherwise it runs as us.
  const root = process.getuid() === 0;
  const me = os.userInfo().username;
  const [mailUser, serviceUser] = root ? ['mail', 'dovecot'] : [me, me];
  if (root) fs.chmodSync(path.join(dir, 'home'), 0o777);
  return `base_dir = ${dir}/run
state_dir = ${dir}/run
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = ${serviceUser}
default_login_user = ${serviceUser}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUser} gid=${mailUser} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
}

/** Starts dovecot and aiosmtpd; `stop()` ends both and removes their files. */
async function startMailServers() {
  const imapBinary = dovecot();
  checkAiosmtpd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gj-e2e-mail-'));
  // mkdtemp makes it private; dovecot's own users read the passwd file and config in it.
  fs.chmodSync(dir, 0o755);
  for (const sub of ['run', 'home', 'sent']) fs.mkdirSync(path.join(dir, sub));
  const [imapPort, smtpPort] = [await freePort(), await freePort()];
  fs.writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}\n`);
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), dovecotConfig(dir, imapPort));
  fs.writeFileSync(path.join(dir, 'smtp.py'), SMTP_SERVER);
  const children = [
    spawn(imapBinary, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' }),
    spawn(PYTHON, [path.join(dir, 'smtp.py'), String(smtpPort), path.join(dir, 'sent')], { stdio: 'ignore' }),
  ];
  const log = () => (fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '');
  const stop = () => {
    for (const child of children) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(imapPort, `dovecot (${log()})`);
    await waitFor(smtpPort, 'aiosmtpd');
  } catch (error) {
    stop();
    throw error;
  }
  return {
    imapPort,
    smtpPort,
    stop,
    log,
    /** The `[email]` settings for these servers, serving the project coded `project`. */
    config(project) {
      return `[email]
imap_host = "127.0.0.1"
imap_port = ${imapPort}
imap_security = "plain"
user = "${USER}"
password = "${PASSWORD}"
mailbox = "INBOX"
poll_seconds = 1
project = "${project}"
smtp_host = "127.0.0.1"
smtp_port = ${smtpPort}
smtp_security = "plain"
smtp_password = ""
from_name = "测试物业客服"
`;
    },
    /** Puts a mail into the mailbox by IMAP APPEND, as a mail server delivering it would. */
    deliver: (raw) => imapAppend(imapPort, raw.replace(/\r?\n/g, '\r\n')),
    /** The mails the SMTP server accepted so far, oldest first. */
    sent() {
      const folder = path.join(dir, 'sent');
      return fs.readdirSync(folder).filter((name) => name.endsWith('.eml')).sort()
        .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'));
    },
  };
}

/** LOGIN, APPEND (the mail as a literal) and LOGOUT, each answered OK, over one connection. */
function imapAppend(port, raw) {
  const mail = Buffer.from(raw, 'utf8');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = '';
    let step = 0;
    const fail = (why) => {
      socket.destroy();
      reject(new Error(`IMAP APPEND: ${why}`));
    };
    socket.on('error', (error) => fail(error.message));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\r\n');
      buffer = lines.pop();
      for (const line of lines) {
        if (step === 0 && line.startsWith('* OK')) {
          socket.write(`a1 LOGIN "${USER}" "${PASSWORD}"\r\n`);
          step = 1;
        } else if (step === 1 && line.startsWith('a1 ')) {
          if (!line.startsWith('a1 OK')) return fail(line);
          socket.write(`a2 APPEND INBOX {${mail.length}}\r\n`);
          step = 2;
        } else if (step === 2 && line.startsWith('+')) {
          socket.write(Buffer.concat([mail, Buffer.from('\r\n')]));
          step = 3;
        } else if (step === 3 && line.startsWith('a2 ')) {
          if (!line.startsWith('a2 OK')) return fail(line);
          socket.write('a3 LOGOUT\r\n');
          step = 4;
        } else if (step === 4 && line.startsWith('a3 ')) {
          socket.end();
          resolve();
        }
      }
    });
  });
}

module.exports = { startMailServers, USER };
