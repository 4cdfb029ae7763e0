//! 数据库占用锁 — a lock file beside a SQLite database (`pingan.db.lock`). Every process that opens
//! the database holds it shared for as long as its store lives; `pingan restore` takes it
//! exclusively, so that a database is never replaced under a running server (which would keep
//! writing to the replaced file, and lose what it acknowledged after the restore).

use crate::{DbUrl, Result, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// A held lock on a database; released when dropped.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

/// The lock file of the SQLite database at `db`.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn open(db: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(db))
        .map_err(|e| StoreError::Connect {
            url: db.display().to_string(),
            reason: format!("无法创建占用锁文件 {}：{e}", lock_path(db).display()),
        })
}

/// The shared lock of a process using the database at `url` (none for PostgreSQL or an
/// in-memory database).
pub(crate) fn hold_shared(url: &DbUrl) -> Result<Option<DatabaseLock>> {
    let Some(path) = url
        .sqlite_path()
        .filter(|p| !p.is_empty() && !p.contains(":memory:"))
    else {
        return Ok(None);
    };
    let file = open(Path::new(path))?;
    file.lock_shared().map_err(|e| StoreError::Connect {
        url: path.to_owned(),
        reason: format!("无法锁定 {}：{e}", lock_path(Path::new(path)).display()),
    })?;
    Ok(Some(DatabaseLock { _file: file }))
}

/// The exclusive lock on the SQLite database at `db`, or a refusal naming why when any process
/// (a running `pingan serve` or `demo`, another command) has it open.
pub fn lock_exclusive(db: &Path) -> Result<DatabaseLock> {
    let file = open(db)?;
    match file.try_lock() {
        Ok(()) => Ok(DatabaseLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(StoreError::InUse(format!(
            "数据库 {} 正被运行中的平安服务使用：请先停止 pingan serve（或 demo）再恢复；服务运行时可用 pingan backup 做在线备份",
            db.display()
        ))),
        Err(TryLockError::Error(e)) => Err(StoreError::Connect {
            url: db.display().to_string(),
            reason: format!("无法锁定 {}：{e}", lock_path(db).display()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_in_use_cannot_be_locked_for_restore() {
        let dir = std::env::temp_dir().join(format!("pingan-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("pingan.db");
        let url = DbUrl::sqlite_file(&db);
        let held = hold_shared(&url).unwrap();
        assert!(held.is_some());
        let second = hold_shared(&url).unwrap();
        let e = lock_exclusive(&db).unwrap_err();
        assert!(e.to_string().contains("正被运行中的平安服务使用"), "{e}");
        drop((held, second));
        let exclusive = lock_exclusive(&db).unwrap();
        drop(exclusive);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
