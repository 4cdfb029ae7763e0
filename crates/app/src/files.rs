//! 附件存储 — where photos and other uploaded files are kept, through an object-store interface:
//! a local folder by default (one instance), S3-compatible storage (MinIO, a cloud's 对象存储)
//! when several instances must see the same files. Files are named by what they hold
//! (`cases/<case id>/<SM3 digest>.<ext>`, `visits/<digest>.<ext>`), so a file once written never
//! changes and writing it again is harmless.

use crate::{AppError, Result};
use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the files go, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilesConfig {
    /// A local folder (created when missing).
    Dir(PathBuf),
    /// An S3 bucket, `s3://bucket` or `s3://bucket/prefix`, with settings such as `aws_endpoint`,
    /// `aws_region`, `aws_allow_http`; credentials and anything unset come from the `AWS_*`
    /// environment.
    S3 {
        url: String,
        options: Vec<(String, String)>,
    },
}

impl std::fmt::Display for FilesConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dir(dir) => write!(f, "附件目录 {}", dir.display()),
            Self::S3 { url, .. } => write!(f, "对象存储 {url}"),
        }
    }
}

/// The files store this instance writes to and reads from.
#[derive(Debug, Clone)]
pub(crate) struct Files {
    store: Arc<dyn ObjectStore>,
    /// How to name it in messages.
    shown: String,
}

impl Files {
    /// Opens the configured store. A local folder is created; a bucket is not contacted yet.
    pub(crate) fn open(config: &FilesConfig) -> Result<Self> {
        let store: Arc<dyn ObjectStore> = match config {
            FilesConfig::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AppError::Invalid(format!("无法创建附件目录 {}：{e}", dir.display()))
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(dir).map_err(|e| {
                    AppError::Invalid(format!("附件目录 {} 不可用：{e}", dir.display()))
                })?)
            }
            FilesConfig::S3 { url, options } => {
                let mut builder = AmazonS3Builder::from_env().with_url(url);
                for (key, value) in options {
                    let key: AmazonS3ConfigKey = key.parse().map_err(|_| {
                        AppError::Invalid(format!(
                            "对象存储设置项 {key} 未知：可用 aws_endpoint、aws_region、aws_allow_http、aws_access_key_id 等"
                        ))
                    })?;
                    builder = builder.with_config(key, value);
                }
                Arc::new(
                    builder.build().map_err(|e| {
                        AppError::Invalid(format!("对象存储 {url} 的设置有误：{e}"))
                    })?,
                )
            }
        };
        Ok(Self {
            store,
            shown: config.to_string(),
        })
    }

    fn key(name: &str) -> Result<Key> {
        Key::parse(name).map_err(|e| AppError::Internal(format!("文件名 {name} 无效：{e}")))
    }

    fn failed(&self, doing: &str, e: &object_store::Error) -> AppError {
        AppError::Internal(format!("{}{doing}失败：{e}", self.shown))
    }

    /// Writes `bytes` under `name` unless a file is there already (the same digest is the same
    /// bytes). A local write goes through a temporary file and a rename, so a crash never
    /// leaves half a file under the real name; an S3 object appears whole or not at all.
    pub(crate) async fn put_once(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let key = Self::key(name)?;
        match self.store.head(&key).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.failed("读取", &e)),
        }
        self.store
            .put(&key, PutPayload::from(bytes.to_vec()))
            .await
            .map_err(|e| self.failed("保存文件", &e))?;
        Ok(())
    }

    /// The bytes of `name`. A file missing from the store (a database restored without its
    /// files) is a 404 that says so, not a server error.
    pub(crate) async fn get(&self, name: &str) -> Result<Vec<u8>> {
        let key = Self::key(name)?;
        let got = match self.store.get(&key).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => {
                tracing::warn!("文件缺失：{}中的 {name}", self.shown);
                return Err(AppError::NotFound(
                    "照片文件已不在附件存储中（恢复数据库时可能未一并恢复附件），请联系系统管理员"
                        .into(),
                ));
            }
            Err(e) => return Err(self.failed("读取", &e)),
        };
        let bytes = got.bytes().await.map_err(|e| self.failed("读取", &e))?;
        Ok(bytes.to_vec())
    }

    /// The names of every file under `prefix` (a folder such as `cases`).
    pub(crate) async fn names_under(&self, prefix: &str) -> Result<HashSet<String>> {
        let prefix = Self::key(prefix)?;
        self.store
            .list(Some(&prefix))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(|e| self.failed("列出文件", &e))
    }

    /// Writes, reads back and deletes a probe file: whether this store takes files.
    pub(crate) async fn probe(&self) -> std::result::Result<(), String> {
        let name = format!(".pingan-doctor-{}", std::process::id());
        let key = Self::key(&name).map_err(|e| e.to_string())?;
        let written = async {
            self.store.put(&key, PutPayload::from_static(b"ok")).await?;
            self.store.get(&key).await?.bytes().await?;
            self.store.delete(&key).await
        };
        written.await.map_err(|e| e.to_string())
    }
}
