//! 公共法律服务 — the village advisers' posts ("一村一法律顾问": one current post per village, a
//! reassignment ending the one before in the same transaction) and the consultations taken, with
//! their counts over a period within an org prefix.

use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};

/// 法律顾问 of a village as stored, with the lawyer's name and firm.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdviserPostRecord {
    pub id: i64,
    pub org_code: String,
    pub lawyer_id: i64,
    pub lawyer_name: String,
    pub firm: String,
    pub licence_number: String,
    pub since: NaiveDate,
}

/// A consultation as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConsultation {
    pub client_id: String,
    pub org_code: String,
    pub lawyer_id: Option<i64>,
    pub channel: String,
    pub topic: String,
    pub asker_sealed: Vec<u8>,
    pub question: String,
    pub answer: String,
    pub minutes: i64,
    pub notary: bool,
    pub consulted_at: DateTime<Utc>,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

/// 法律咨询 — a consultation as stored, with the lawyer's name if one gave it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ConsultationRecord {
    pub id: i64,
    pub org_code: String,
    pub lawyer_name: Option<String>,
    pub channel: String,
    pub topic: String,
    pub asker_sealed: Vec<u8>,
    pub question: String,
    pub answer: String,
    pub minutes: i64,
    pub notary: bool,
    pub consulted_at: DateTime<Utc>,
}

/// Consultations of one township (or the district's own centre), channel and topic in a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsultationCount {
    pub township: String,
    pub channel: String,
    pub topic: String,
    pub consultations: i64,
    pub minutes: i64,
    pub notary: i64,
}

impl Store {
    /// The current advisers' posts of the villages under `prefix`, by village.
    pub async fn adviser_posts(&self, prefix: &str) -> Result<Vec<AdviserPostRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT p.id, p.org_code, p.lawyer_id, l.name AS lawyer_name, l.firm,
                        l.licence_number, p.since
                   FROM legal_adviser_posts p JOIN lawyers l ON l.id = p.lawyer_id
                  WHERE p.until IS NULL AND p.org_code LIKE $1 || '%'
                  ORDER BY p.org_code",
            )
            .bind(prefix)
            .fetch_all(db)
            .await
        })?)
    }

    /// Makes `lawyer_id` the village's adviser from `since`, ending the current post (if another
    /// lawyer holds it) on the same day; the same lawyer again changes nothing. Whether a post was
    /// made.
    pub async fn assign_adviser(
        &self,
        village: &str,
        lawyer_id: i64,
        since: NaiveDate,
        by: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(dispatch!(self, |db| {
            let mut tx = db.begin_with(self.begin_write()).await?;
            let current: Option<(i64,)> = sqlx::query_as(
                "SELECT lawyer_id FROM legal_adviser_posts WHERE org_code = $1 AND until IS NULL",
            )
            .bind(village)
            .fetch_optional(&mut *tx)
            .await?;
            if current.is_some_and(|(l,)| l == lawyer_id) {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query(
                "UPDATE legal_adviser_posts SET until = $2 WHERE org_code = $1 AND until IS NULL",
            )
            .bind(village)
            .bind(since)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO legal_adviser_posts (org_code, lawyer_id, since, assigned_by,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(village)
            .bind(lawyer_id)
            .bind(since)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await.map(|()| true)
        })?)
    }

    /// Ends a village's current post (the adviser left) on `until`; whether there was one.
    pub async fn end_adviser(&self, village: &str, until: NaiveDate) -> Result<bool> {
        let n = dispatch!(self, |db| {
            sqlx::query(
                "UPDATE legal_adviser_posts SET until = $2 WHERE org_code = $1 AND until IS NULL",
            )
            .bind(village)
            .bind(until)
            .execute(db)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Records a consultation; `false` when its client id was recorded before (nothing new).
    pub async fn insert_consultation(&self, c: &NewConsultation) -> Result<(i64, bool)> {
        let made: Option<(i64,)> = dispatch!(self, |db| {
            sqlx::query_as(
                "INSERT INTO legal_consultations (client_id, org_code, lawyer_id, channel, topic,
                     asker_sealed, question, answer, minutes, notary, consulted_at, recorded_by,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (client_id) DO NOTHING RETURNING id",
            )
            .bind(&c.client_id)
            .bind(&c.org_code)
            .bind(c.lawyer_id)
            .bind(&c.channel)
            .bind(&c.topic)
            .bind(&c.asker_sealed)
            .bind(&c.question)
            .bind(&c.answer)
            .bind(c.minutes)
            .bind(c.notary)
            .bind(c.consulted_at)
            .bind(c.recorded_by)
            .bind(c.at)
            .fetch_optional(db)
            .await
        })?;
        if let Some((id,)) = made {
            return Ok((id, true));
        }
        let (id,): (i64,) = dispatch!(self, |db| {
            sqlx::query_as("SELECT id FROM legal_consultations WHERE client_id = $1")
                .bind(&c.client_id)
                .fetch_one(db)
                .await
        })?;
        Ok((id, false))
    }

    /// One consultation, if it was taken under `prefix`.
    pub async fn consultation(&self, id: i64, prefix: &str) -> Result<Option<ConsultationRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT c.id, c.org_code, l.name AS lawyer_name, c.channel, c.topic,
                        c.asker_sealed, c.question, c.answer, c.minutes, c.notary, c.consulted_at
                   FROM legal_consultations c LEFT JOIN lawyers l ON l.id = c.lawyer_id
                  WHERE c.id = $1 AND c.org_code LIKE $2 || '%'",
            )
            .bind(id)
            .bind(prefix)
            .fetch_optional(db)
            .await
        })?)
    }

    /// The latest consultations under `prefix` in `[from, to)`, newest first, at most `limit`.
    pub async fn consultations(
        &self,
        prefix: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ConsultationRecord>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT c.id, c.org_code, l.name AS lawyer_name, c.channel, c.topic,
                        c.asker_sealed, c.question, c.answer, c.minutes, c.notary, c.consulted_at
                   FROM legal_consultations c LEFT JOIN lawyers l ON l.id = c.lawyer_id
                  WHERE c.org_code LIKE $1 || '%' AND c.consulted_at >= $2 AND c.consulted_at < $3
                  ORDER BY c.consulted_at DESC, c.id DESC LIMIT $4",
            )
            .bind(prefix)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(db)
            .await
        })?)
    }

    /// The consultations under `prefix` in `[from, to)` counted by township (the first nine
    /// characters of where they were taken; the district's centre counts under its own code),
    /// channel and topic.
    pub async fn consultation_counts(
        &self,
        prefix: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ConsultationCount>> {
        Ok(dispatch!(self, |db| {
            sqlx::query_as(
                "SELECT SUBSTR(org_code, 1, 9) AS township, channel, topic,
                        CAST(COUNT(*) AS BIGINT) AS consultations,
                        CAST(SUM(minutes) AS BIGINT) AS minutes,
                        CAST(SUM(CASE WHEN notary = $4 THEN 1 ELSE 0 END) AS BIGINT) AS notary
                   FROM legal_consultations
                  WHERE org_code LIKE $1 || '%' AND consulted_at >= $2 AND consulted_at < $3
                  GROUP BY SUBSTR(org_code, 1, 9), channel, topic",
            )
            .bind(prefix)
            .bind(from)
            .bind(to)
            .bind(true)
            .fetch_all(db)
            .await
        })?)
    }
}
