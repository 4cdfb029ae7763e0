//! PostgreSQL's NOTIFY and LISTEN, which carry the real-time bus between instances. On SQLite
//! there is one instance and nothing to carry: sending does nothing and there is no listener.

use crate::{Pool, Result, Store};

/// A connection listening on one channel (PostgreSQL only).
#[derive(Debug)]
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// The next payload. The listener reconnects by itself after a lost connection (payloads sent
    /// meanwhile are lost, as NOTIFY promises no more).
    pub async fn recv(&mut self) -> Result<String> {
        Ok(self.0.recv().await?.payload().to_owned())
    }
}

impl Store {
    /// Whether NOTIFY carries anything here (PostgreSQL).
    pub fn can_notify(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Sends each payload, in order, to every listener of `channel`, in one statement and one
    /// transaction (PostgreSQL; nothing on SQLite).
    pub async fn notify(&self, channel: &str, payloads: &[String]) -> Result<()> {
        if let Pool::Postgres(p) = &self.pool {
            sqlx::query(
                "SELECT pg_notify($1, payload) FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, n)
                 ORDER BY n",
            )
            .bind(channel)
            .bind(payloads)
            .execute(p)
            .await?;
        }
        Ok(())
    }

    /// A listener on `channel`, or none on SQLite.
    pub async fn listen(&self, channel: &str) -> Result<Option<Listener>> {
        let Pool::Postgres(p) = &self.pool else {
            return Ok(None);
        };
        let mut l = sqlx::postgres::PgListener::connect_with(p).await?;
        l.listen(channel).await?;
        Ok(Some(Listener(l)))
    }
}
