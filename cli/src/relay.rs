//! The demo phone's network: a TCP relay between the phone and the platform that the demo can switch off and
//! on — airplane mode, on loopback. Off, the relay stops listening (connections are refused, as with no network)
//! and cuts the open ones; on, it listens on the same address again.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

/// A relay that forwards while it is on.
pub(crate) struct Relay {
    addr: SocketAddr,
    upstream: SocketAddr,
    /// The accept loop and every forwarded connection; aborted together when the network goes away.
    tasks: Arc<Mutex<JoinSet<()>>>,
}

impl Relay {
    /// Binds on loopback first, so the platform can be told the relay's address before it starts.
    pub(crate) async fn bind() -> std::io::Result<(TcpListener, SocketAddr)> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        Ok((listener, addr))
    }

    /// Starts forwarding what `listener` accepts to `upstream`.
    pub(crate) async fn start(listener: TcpListener, upstream: SocketAddr) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let relay = Self { addr, upstream, tasks: Arc::new(Mutex::new(JoinSet::new())) };
        relay.serve(listener).await;
        Ok(relay)
    }

    async fn serve(&self, listener: TcpListener) {
        let (tasks, upstream) = (Arc::clone(&self.tasks), self.upstream);
        self.tasks.lock().await.spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                tasks.lock().await.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Off: nothing listens and open connections are cut. On: listening again on the same address.
    pub(crate) async fn set_online(&self, online: bool) -> std::io::Result<()> {
        if online {
            let listener = TcpListener::bind(self.addr).await?;
            self.serve(listener).await;
        } else {
            let mut tasks = self.tasks.lock().await;
            tasks.abort_all();
            // Wait until the accept loop has dropped its socket: from now on a dial is refused.
            while tasks.join_next().await.is_some() {}
        }
        Ok(())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Ok(mut t) = self.tasks.try_lock() {
            t.abort_all();
        }
    }
}
