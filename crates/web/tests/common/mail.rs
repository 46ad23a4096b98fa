//! Real mail servers for a test, each on a free local port with its own throwaway files (not
//! the system services), stopped when dropped; `scripts/test` installs both:
//! - Debian's dovecot as the IMAP server: plaintext login allowed on localhost, one user in a
//!   passwd file, mail in a maildir under the test's folder. Mail arrives by IMAP APPEND. With
//!   TLS, it offers STARTTLS with a self-signed certificate for 127.0.0.1 made by openssl.
//! - Debian's python3-aiosmtpd as the SMTP server: it writes each mail it accepts into a folder
//!   the test reads, refuses recipients `nobody@…` for good (550) and `later@…` for now (451).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use guanjia_channels::Secret;
use guanjia_channels::email::{EmailConfig, Security};

pub const USER: &str = "kefu@wuye.example";
pub const PASSWORD: &str = "imap-test-password";

pub struct MailServers {
    pub imap_port: u16,
    pub smtp_port: u16,
    dir: PathBuf,
    children: Vec<Child>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn dovecot() -> PathBuf {
    ["/usr/sbin/dovecot", "/usr/bin/dovecot"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("dovecot not found: `apt-get install -y dovecot-imapd` (scripts/test installs it)")
}

/// The SMTP server: aiosmtpd's controller with a handler that keeps mail as files.
const SMTP_SERVER: &str = r#"
import os, sys, threading, time
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]

class Keep:
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.startswith("later@"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(folder, "%d.eml" % time.time_ns())
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(name + ".part", name)
        return "250 2.0.0 Ok: queued"

Controller(Keep(), hostname="127.0.0.1", port=port).start()
threading.Event().wait()
"#;

impl MailServers {
    pub async fn start() -> MailServers {
        Self::start_with(false).await
    }

    /// The servers, dovecot offering STARTTLS with the certificate at [`MailServers::tls_ca`].
    pub async fn start_with_tls() -> MailServers {
        Self::start_with(true).await
    }

    async fn start_with(tls: bool) -> MailServers {
        let dir = std::env::temp_dir().join(format!("gj-mail-{}", guanjia_storage::new_id()));
        for sub in ["run", "home", "sent"] {
            std::fs::create_dir_all(dir.join(sub)).expect("mail folders");
        }
        let mut servers = MailServers {
            imap_port: free_port(),
            smtp_port: free_port(),
            dir,
            children: Vec::new(),
        };
        if tls {
            servers.make_certificate();
        }
        servers.start_imap(tls);
        servers.start_smtp();
        for port in [servers.imap_port, servers.smtp_port] {
            wait_for(port).await;
        }
        servers
    }

    /// A self-signed certificate for 127.0.0.1 and its key, as a small company's server has.
    fn make_certificate(&self) {
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args([
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            .arg("-keyout")
            .arg(self.dir.join("key.pem"))
            .arg("-out")
            .arg(self.tls_ca())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl (scripts/test needs it)");
        assert!(made.success(), "openssl could not make a certificate");
    }

    /// The certificate dovecot presents with TLS (its own CA: self-signed).
    pub fn tls_ca(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    fn start_imap(&mut self, tls: bool) {
        let dir = &self.dir;
        let ssl = if tls {
            format!(
                "ssl = yes\nssl_cert = <{d}/cert.pem\nssl_key = <{d}/key.pem\n",
                d = dir.display()
            )
        } else {
            "ssl = no\n".to_owned()
        };
        // Run as root, dovecot gives mail to an unprivileged user; otherwise it runs as us.
        let root = std::env::var("USER").is_ok_and(|u| u == "root")
            || Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let me = String::from_utf8(Command::new("id").arg("-un").output().expect("id").stdout)
            .expect("user name")
            .trim()
            .to_owned();
        let (mail_user, service_user) = if root {
            ("mail".to_owned(), "dovecot".to_owned())
        } else {
            (me.clone(), me)
        };
        if root {
            // The mail user writes the maildir.
            let _ = Command::new("chmod")
                .arg("0777")
                .arg(dir.join("home"))
                .status();
        }
        std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n"))
            .expect("passwd");
        let config = format!(
            "base_dir = {run}\n\
             state_dir = {run}\n\
             log_path = {d}/dovecot.log\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             {ssl}\
             disable_plaintext_auth = no\n\
             auth_mechanisms = plain login\n\
             first_valid_uid = 1\n\
             default_internal_user = {service_user}\n\
             default_login_user = {service_user}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={d}/home/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n\
             service imap-login {{\n  chroot =\n}}\n",
            run = dir.join("run").display(),
            d = dir.display(),
            port = self.imap_port,
        );
        let file = dir.join("dovecot.conf");
        std::fs::write(&file, config).expect("dovecot config");
        let child = Command::new(dovecot())
            .arg("-F")
            .arg("-c")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        self.children.push(child);
    }

    fn start_smtp(&mut self) {
        let script = self.dir.join("smtp.py");
        std::fs::write(&script, SMTP_SERVER).expect("smtp script");
        let child = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(self.smtp_port.to_string())
            .arg(self.dir.join("sent"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server (python3-aiosmtpd; scripts/test installs it)");
        self.children.push(child);
    }

    /// The `[email]` settings for these servers, serving the project coded `project`.
    pub fn config(&self, project: Option<&str>) -> EmailConfig {
        EmailConfig {
            imap_host: "127.0.0.1".into(),
            imap_port: self.imap_port,
            imap_security: Security::Plain,
            imap_ca_file: None,
            user: USER.into(),
            password: Secret::new(PASSWORD),
            mailbox: "INBOX".into(),
            poll_seconds: 1,
            company: None,
            project: project.map(str::to_owned),
            smtp_host: "127.0.0.1".into(),
            smtp_port: self.smtp_port,
            smtp_security: Security::Plain,
            smtp_user: None,
            // The local server takes mail without a login.
            smtp_password: Some(Secret::new("")),
            from: None,
            from_name: Some("测试物业客服".into()),
            max_attachment_bytes: 64 * 1024,
        }
    }

    /// Puts a mail into the mailbox by IMAP APPEND, as a mail server delivering it would.
    pub async fn deliver(&self, raw: &str) {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.imap_port))
            .await
            .expect("connect to dovecot");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await;
        let mut session = client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("log in to dovecot");
        session
            .append("INBOX", None, None, raw.replace('\n', "\r\n"))
            .await
            .expect("append");
        let _ = session.logout().await;
    }

    /// The mails the SMTP server accepted so far, oldest first.
    pub fn sent(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.join("sent"))
            .expect("sent folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("mail")).into_owned())
            .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

async fn wait_for(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail server came up on port {port}");
}

impl Drop for MailServers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
