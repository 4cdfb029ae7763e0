//! Restoring a SQLite database from a backup made by `pingan backup`.

use crate::{AppError, Result};
use pingan_store::{Backend, DbUrl, MIGRATIONS, Store};
use std::path::{Path, PathBuf};

/// Replaces the SQLite database at `target` with the backup at `from`. The backup is copied next to
/// the target, opened and checked to be a Pingan database no newer than this build, and only then
/// moved into place. The server must be stopped — a database any process holds open is refused
/// (see `pingan_store::lock_exclusive`); an existing database is replaced only with `force`.
pub async fn restore_sqlite(from: &Path, target: &DbUrl, force: bool) -> Result<()> {
    let target_path = match (target.backend(), target.sqlite_path()) {
        (Backend::Sqlite, Some(p)) => PathBuf::from(p),
        _ => {
            return Err(AppError::Invalid(
                "pingan restore 只用于 SQLite；PostgreSQL 请用 pg_restore 或 psql（见 docs/operations.md）".into(),
            ));
        }
    };
    if !from.is_file() {
        return Err(AppError::NotFound(format!(
            "备份文件 {} 不存在",
            from.display()
        )));
    }
    // Held until the new file is in place: no server can open the database meanwhile, and none
    // may be using it now.
    let _locked = pingan_store::lock_exclusive(&target_path)?;
    if target_path.exists() && !force {
        return Err(AppError::Conflict(format!(
            "数据库 {} 已存在；确认用备份覆盖它请先停止 pingan serve，再加 --force 重新运行",
            target_path.display()
        )));
    }
    let staging = target_path.with_extension("db.restoring");
    let io = |what: &str, e: std::io::Error| AppError::Invalid(format!("{what}失败: {e}"));
    std::fs::copy(from, &staging).map_err(|e| io("复制备份文件", e))?;

    let checked = check_backup(&staging).await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staging);
        return Err(e);
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target_path.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| io("删除旧的日志文件", e))?;
        }
    }
    std::fs::rename(&staging, &target_path).map_err(|e| io("替换数据库文件", e))?;
    Ok(())
}

async fn check_backup(path: &Path) -> Result<()> {
    let not_ours = || AppError::Invalid(format!("{} 不是平安的数据库备份", path.display()));
    let store = Store::connect(&DbUrl::sqlite_file(path))
        .await
        .map_err(|_| not_ours())?;
    let version = store.schema_version().await;
    store.close().await;
    let newest = MIGRATIONS.last().map_or(0, |m| m.version);
    match version {
        Ok(Some(v)) if v <= newest => Ok(()),
        Ok(Some(v)) => Err(AppError::Invalid(format!(
            "备份来自更新版本的平安（数据库版本 {v}，本程序支持到 {newest}），请先升级程序"
        ))),
        _ => Err(not_ours()),
    }
}
