//! Links between objects and issues: many-to-many, idempotent, audited.
//!
//! Every write transaction here starts with a write statement, so two
//! SQLite writers queue on the busy timeout instead of failing to upgrade a
//! read lock.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use sr_model::{Issue, IssueKey, IssueLink, LinkType, ObjectKind, ObjectRef, SyncDirection};

use crate::audit::{AuditAction, audit_on};
use crate::issues::{ISSUE_COLUMNS, issue_ref_from_row, upsert_issue_on};
use crate::{Result, Store, StoreError, time};

/// A link to write.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub object: &'a ObjectRef,
    pub issue: &'a Issue,
    pub link_type: LinkType,
    pub created_by: &'a str,
    pub sync_direction: SyncDirection,
}

pub(crate) const LINK_COLUMNS: &str = "l.link_id, l.link_type, l.created_by, l.created_at AS link_created_at, l.sync_direction, \
     o.connection, o.kind, o.database_name, o.schema_name, o.name, o.version_hash, o.modified_at";

impl Store {
    /// Links an object to an issue, caching the issue as given. Linking a
    /// pair that is already linked changes nothing and returns the existing
    /// link with `false`.
    pub async fn link(&self, new: &NewLink<'_>) -> Result<(IssueLink, bool)> {
        let mut tx = self.begin_write().await?;
        let (link_id, created) = link_on(&mut tx, new).await?;
        tx.commit().await?;
        let link = self.link_by_id(&link_id).await?.ok_or_else(|| {
            StoreError::corrupt("links", format!("link {link_id} vanished after commit"))
        })?;
        Ok((link, created))
    }

    /// Removes the link between an object and an issue; an error naming
    /// both when they are not linked.
    pub async fn unlink(&self, object_key: &str, issue: &IssueKey, actor: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM links WHERE object_id = (SELECT id FROM objects WHERE object_key = $1) \
             AND issue_id = (SELECT id FROM issues WHERE issue_key = $2)",
        )
        .bind(object_key)
        .bind(issue.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotLinked {
                object: object_key.to_owned(),
                issue: issue.to_string(),
            });
        }
        audit_on(
            &mut tx,
            actor,
            AuditAction::Unlinked,
            Some(object_key),
            Some(&issue.to_string()),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every issue linked to an object, oldest link first.
    pub async fn links_for_object(&self, object_key: &str) -> Result<Vec<IssueLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, {ISSUE_COLUMNS} FROM objects o JOIN links l ON l.object_id = o.id \
             JOIN issues i ON i.id = l.issue_id WHERE o.object_key = $1 ORDER BY link_created_at, l.link_id"
        );
        let rows = sqlx::query(&sql)
            .bind(object_key)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    /// Every object linked to an issue, oldest link first.
    pub async fn links_for_issue(&self, issue: &IssueKey) -> Result<Vec<IssueLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, {ISSUE_COLUMNS} FROM issues i JOIN links l ON l.issue_id = i.id \
             JOIN objects o ON o.id = l.object_id WHERE i.issue_key = $1 ORDER BY link_created_at, l.link_id"
        );
        let rows = sqlx::query(&sql)
            .bind(issue.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    /// Per object key of one connection: how many issues are linked and how
    /// many of them are open (for explorer badges).
    pub async fn link_counts(&self, connection: &str) -> Result<Vec<(String, u32, u32)>> {
        let rows = sqlx::query(
            "SELECT o.object_key, COUNT(*) AS total, \
             SUM(CASE WHEN i.state = 'done' THEN 0 ELSE 1 END) AS open \
             FROM objects o JOIN links l ON l.object_id = o.id JOIN issues i ON i.id = l.issue_id \
             WHERE o.connection = $1 GROUP BY o.object_key",
        )
        .bind(connection)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let total: i64 = r.try_get("total")?;
                let open: i64 = r.try_get("open")?;
                Ok((r.try_get("object_key")?, clamp_u32(total), clamp_u32(open)))
            })
            .collect()
    }

    async fn link_by_id(&self, link_id: &str) -> Result<Option<IssueLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, {ISSUE_COLUMNS} FROM links l JOIN objects o ON o.id = l.object_id \
             JOIN issues i ON i.id = l.issue_id WHERE l.link_id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(link_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(link_from_row).transpose()
    }
}

fn clamp_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Returns the link id and whether the link is new.
async fn link_on(conn: &mut AnyConnection, new: &NewLink<'_>) -> Result<(String, bool)> {
    let object_id = upsert_object_on(conn, new.object).await?;
    let (issue_id, _) = upsert_issue_on(conn, new.issue, Some(time::now())).await?;
    let link_id = uuid::Uuid::now_v7().to_string();
    let inserted = sqlx::query(
        "INSERT INTO links (link_id, object_id, issue_id, link_type, created_by, created_at, sync_direction) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (object_id, issue_id) DO NOTHING",
    )
    .bind(&link_id)
    .bind(object_id)
    .bind(issue_id)
    .bind(new.link_type.as_str())
    .bind(new.created_by)
    .bind(time::to_ms(time::now()))
    .bind(new.sync_direction.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !inserted {
        let row = sqlx::query("SELECT link_id FROM links WHERE object_id = $1 AND issue_id = $2")
            .bind(object_id)
            .bind(issue_id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok((row.try_get("link_id")?, false));
    }
    let detail = format!("{} ({})", new.link_type, new.sync_direction);
    let issue_key = new.issue.key().to_string();
    audit_on(
        conn,
        new.created_by,
        AuditAction::Linked,
        Some(&new.object.key()),
        Some(&issue_key),
        &detail,
    )
    .await?;
    Ok((link_id, true))
}

pub(crate) async fn upsert_object_on(conn: &mut AnyConnection, o: &ObjectRef) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO objects (object_key, connection, kind, database_name, schema_name, name, version_hash, modified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (object_key) DO UPDATE SET database_name = excluded.database_name, \
         version_hash = COALESCE(excluded.version_hash, objects.version_hash), \
         modified_at = COALESCE(excluded.modified_at, objects.modified_at) RETURNING id",
    )
    .bind(o.key())
    .bind(&o.connection)
    .bind(o.kind.as_str())
    .bind(&o.database)
    .bind(&o.schema)
    .bind(&o.name)
    .bind(o.version_hash.as_deref())
    .bind(o.modified_at.map(time::to_ms))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) fn link_from_row(row: &AnyRow) -> Result<IssueLink> {
    let t = "links";
    let kind: String = row.try_get("kind")?;
    let link_type: String = row.try_get("link_type")?;
    let direction: String = row.try_get("sync_direction")?;
    let object = ObjectRef {
        connection: row.try_get("connection")?,
        kind: kind
            .parse::<ObjectKind>()
            .map_err(|e| StoreError::corrupt(t, e))?,
        database: row.try_get("database_name")?,
        schema: row.try_get("schema_name")?,
        name: row.try_get("name")?,
        version_hash: row.try_get("version_hash")?,
        modified_at: row
            .try_get::<Option<i64>, _>("modified_at")?
            .map(|m| time::from_ms(m, t))
            .transpose()?,
    };
    Ok(IssueLink {
        link_id: row.try_get("link_id")?,
        object,
        issue: issue_ref_from_row(row)?,
        link_type: link_type.parse().map_err(|e| StoreError::corrupt(t, e))?,
        created_by: row.try_get("created_by")?,
        created_at: time::from_ms(row.try_get("link_created_at")?, t)?,
        sync_direction: direction.parse().map_err(|e| StoreError::corrupt(t, e))?,
    })
}
