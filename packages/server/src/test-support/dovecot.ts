import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? null;
const SUBMISSION = ['/usr/lib/dovecot/submission', '/usr/libexec/dovecot/submission'].some((p) => existsSync(p));

/** Why the Dovecot suites cannot run here, or null when they can (tests skip with this reason printed). */
export const dovecotMissing: string | null = !DOVECOT
  ? 'Dovecot is not installed (apt-get install dovecot-imapd dovecot-submissiond): IMAP/submission tests skipped'
  : !SUBMISSION
    ? 'Dovecot submission is not installed (apt-get install dovecot-submissiond): IMAP/submission tests skipped'
    : null;
if (dovecotMissing) console.warn(dovecotMissing);

/**
 * Dovecot counts a client whose address equals its own as secured and then allows login without
 * TLS; listening on 127.0.0.2 (the client comes from 127.0.0.1) keeps "TLS required" true on loopback.
 */
const HOST = '127.0.0.2';

export type Dovecot = {
  host: typeof HOST;
  /** IMAP with STARTTLS, IMAP over TLS, and SMTP submission (STARTTLS + AUTH required). */
  imapPort: number;
  imapsPort: number;
  submissionPort: number;
  /** The self-signed certificate the servers present (PEM). */
  cert: string;
  /** Adds a mailbox user (passwd-file, plain password), resolved once Dovecot lets them log in. */
  addUser(user: string, password: string): Promise<void>;
  /** Appends raw messages to a user's folder over IMAP (a real client, like any mail delivery). */
  append(user: string, password: string, raws: (string | Buffer)[], folder?: string): Promise<void>;
  stop(): Promise<void>;
};

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return (await freePorts(1, host))[0]!;
}

/**
 * `n` different free ports: all are held open until each is known, then let go (ports asked for one
 * after another may be the same one again, as the system hands out a port just closed).
 */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer();
          srv.once('error', reject);
          srv.listen(0, host, () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((srv) => (srv.address() as net.AddressInfo).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}

const waitForPort = async (port: number, deadline: number): Promise<void> => {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, HOST);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The unprivileged account mail is stored as: the current user, or Dovecot's own when running as root. */
function mailAccount(): { uid: number; gid: number; internal: string; login: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, internal: me.username, login: me.username };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('dovecot:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root needs the dovecot system user (installed with dovecot-core)');
  return { uid: Number(uid), gid: Number(gid), internal: 'dovecot', login: 'dovenull' };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/**
 * Starts a real Dovecot as this process's child on free loopback ports: IMAP (STARTTLS), IMAPS and
 * SMTP submission relaying to `relay` (a test sink). A generated self-signed certificate; TLS is
 * required before any login; users in a passwd-file; mail under a temporary folder.
 */
export async function startDovecot(opts: { relayPort?: number } = {}): Promise<Dovecot> {
  if (!DOVECOT) throw new Error(dovecotMissing ?? 'no dovecot');
  const dir = mkdtempSync(join(tmpdir(), 'casework-dovecot-'));
  chmodSync(dir, 0o755);
  const acct = mailAccount();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2',
    ].concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    { stdio: 'ignore' },
  );
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'passwd'), '');
  const [imapPort, imapsPort, submissionPort] = (await freePorts(3, HOST)) as [number, number, number];
  const dh = ['/usr/share/dovecot/dh.pem', '/etc/dovecot/dh.pem'].find((p) => existsSync(p));
  const conf = `
protocols = imap submission
listen = ${HOST}
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = casework-${imapPort}
log_path = ${dir}/dovecot.log
default_internal_user = ${acct.internal}
default_internal_group = ${acct.internal}
default_login_user = ${acct.login}
first_valid_uid = 1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
${dh ? `ssl_dh = <${dh}` : ''}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
hostname = localhost
mail_location = maildir:${dir}/mail/%u
mail_uid = ${acct.uid}
mail_gid = ${acct.gid}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
  default_fields = uid=${acct.uid} gid=${acct.gid} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${imapPort}
  }
  inet_listener imaps {
    address = ${HOST}
    port = ${imapsPort}
    ssl = yes
  }
}
service submission-login {
  chroot =
  inet_listener submission {
    address = ${HOST}
    port = ${submissionPort}
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
submission_relay_host = 127.0.0.1
submission_relay_port = ${opts.relayPort ?? 25}
submission_relay_trusted = yes
submission_relay_ssl = no
`;
  writeFileSync(join(dir, 'dovecot.conf'), conf);
  chownTree(join(dir, 'mail'), acct.uid, acct.gid);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 15_000;
    await Promise.race([
      Promise.all([waitForPort(imapPort, deadline), waitForPort(imapsPort, deadline), waitForPort(submissionPort, deadline)]),
      exited.then(() => {
        const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
        throw new Error(`Dovecot exited: ${output}\n${log}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const users = new Set<string>();
  const imapClient = (user: string, password: string) => {
    const client = new ImapFlow({
      host: HOST,
      port: imapsPort,
      secure: true,
      auth: { user, pass: password },
      tls: { ca: cert },
      logger: false,
    });
    client.on('error', () => {});
    return client;
  };
  return {
    host: HOST,
    imapPort,
    imapsPort,
    submissionPort,
    cert,
    async addUser(user, password) {
      if (users.has(user)) return;
      users.add(user);
      // The maildir exists before any login, so two first logins (a fetch and an APPEND) never race to create it.
      for (const sub of ['', 'cur', 'new', 'tmp']) {
        mkdirSync(join(dir, 'mail', user, sub), { recursive: true });
        chownSync(join(dir, 'mail', user, sub), acct.uid, acct.gid);
      }
      writeFileSync(join(dir, 'passwd'), `${readFileSync(join(dir, 'passwd'), 'utf8')}${user}:${password}::::::\n`);
      // Dovecot re-reads the passwd-file when it notices the change, which can take a moment.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const client = imapClient(user, password);
        const ok = await client.connect().then(
          () => true,
          () => false,
        );
        if (ok) {
          await client.logout().catch(() => client.close());
          return;
        }
        if (Date.now() > deadline) throw new Error(`Dovecot does not accept the new user ${user}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async append(user, password, raws, folder = 'INBOX') {
      const client = imapClient(user, password);
      await client.connect().catch((err: Error & { responseText?: string }) => {
        throw new Error(`login of ${user} failed: ${err.responseText ?? err.message}`);
      });
      try {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        for (const raw of raws) {
          await client.append(folder, raw).catch((err: Error & { responseText?: string }) => {
            throw new Error(`APPEND to ${user} failed: ${err.responseText ?? err.message}`);
          });
        }
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
