//! A real MQTT broker for a test: Debian's mosquitto on a free local port with its own
//! configuration (not the system service), stopped when dropped. `scripts/test` installs it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

pub struct Broker {
    pub port: u16,
    child: Option<Child>,
    dir: PathBuf,
}

fn mosquitto() -> PathBuf {
    ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("mosquitto not found: `apt-get install -y mosquitto` (scripts/test installs it)")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Broker {
    pub async fn start() -> Broker {
        let dir = std::env::temp_dir().join(format!("gj-mqtt-{}", guanjia_storage::new_id()));
        std::fs::create_dir_all(&dir).expect("broker folder");
        let mut broker = Broker {
            port: free_port(),
            child: None,
            dir,
        };
        broker.run().await;
        broker
    }

    /// `mqtt://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// Starts the broker (again, on the same port) and waits until it takes connections.
    pub async fn run(&mut self) {
        let config = self.dir.join("mosquitto.conf");
        std::fs::write(
            &config,
            format!(
                "listener {} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nsys_interval 1\n",
                self.port
            ),
        )
        .expect("broker config");
        let child = Command::new(mosquitto())
            .arg("-c")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mosquitto did not start on port {}", self.port);
    }

    /// Stops the broker, as when it goes away.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Publishes `payload` on `topic` at QoS 1 and waits for the broker's acknowledgement.
    pub async fn publish(&self, topic: &str, payload: &str) {
        let options = MqttOptions::new(
            format!("test-publisher-{}", guanjia_storage::new_id()),
            "127.0.0.1",
            self.port,
        );
        let (client, mut events) = AsyncClient::new(options, 10);
        client
            .publish(topic, QoS::AtLeastOnce, false, payload.as_bytes().to_vec())
            .await
            .expect("publish");
        loop {
            match tokio::time::timeout(Duration::from_secs(5), events.poll()).await {
                Ok(Ok(Event::Incoming(Packet::PubAck(_)))) => break,
                Ok(Ok(_)) => {}
                other => panic!("publishing to the broker: {other:?}"),
            }
        }
        let _ = client.try_disconnect();
    }

    /// Waits until `clients` clients are connected, from the broker's own `$SYS` figure: the
    /// subscribers under test are then connected (and subscribe at once).
    pub async fn wait_for_clients(&self, clients: u64) {
        let options = MqttOptions::new(
            format!("test-watcher-{}", guanjia_storage::new_id()),
            "127.0.0.1",
            self.port,
        );
        let (client, mut events) = AsyncClient::new(options, 10);
        client
            .subscribe("$SYS/broker/clients/connected", QoS::AtMostOnce)
            .await
            .expect("subscribe");
        let watched = async {
            loop {
                if let Ok(Event::Incoming(Packet::Publish(p))) = events.poll().await {
                    let connected: u64 = String::from_utf8_lossy(&p.payload)
                        .trim()
                        .parse()
                        .unwrap_or(0);
                    // The watcher is connected too.
                    if connected > clients {
                        return;
                    }
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(15), watched)
            .await
            .expect("the subscribers connect to the broker");
        let _ = client.try_disconnect();
        // They subscribe right after connecting.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
