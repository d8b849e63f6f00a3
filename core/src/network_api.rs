//! What the shell tells the core about the network (Android's `ConnectivityManager`, iOS's `NWPathMonitor`).

use crate::{Onego, OnegoError};

#[cfg_attr(feature = "ffi", uniffi::export(async_runtime = "tokio"))]
impl Onego {
    /// The device's connection came back (or went away). Back online, everything waiting in the outbox becomes
    /// due at once — a backoff chosen while offline says nothing about a network that just returned — and is
    /// delivered now; the report says what happened. Offline, nothing is sent and an empty report comes back.
    pub async fn network_changed(&self, online: bool) -> Result<crate::apply::DeliveryReport, OnegoError> {
        if !online {
            return Ok(crate::apply::DeliveryReport::default());
        }
        let now = self.inner.clock.now_ms();
        self.run(move |i| async move {
            i.store
                .run(move |c, _| {
                    c.execute(
                        "UPDATE outbox SET next_attempt_ms = ?1 WHERE state = 'pending' AND next_attempt_ms > ?1",
                        [now],
                    )?;
                    Ok(())
                })
                .await
        })
        .await?;
        self.deliver_outbox().await
    }
}
