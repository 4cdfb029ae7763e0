//! Reading `multipart/form-data` bodies (forms with photos): the text fields as pairs, the files
//! as uploads.

use axum::extract::Multipart;
use pingan_app::{AppError, PhotoUpload};

/// The text fields and the non-empty files of a multipart form.
pub(crate) async fn read(
    mut form: Multipart,
) -> Result<(Vec<(String, String)>, Vec<PhotoUpload>), AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::Invalid(format!(
            "上传的表单无法读取（{}），照片过大时请分几次上传",
            e.body_text()
        ))
    };
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    files.push(PhotoUpload {
                        file_name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            None => fields.push((name, field.text().await.map_err(bad)?)),
        }
    }
    Ok((fields, files))
}

/// [`read`] of a body the API received, which may not have been multipart at all: that is
/// refused with what to send instead.
pub(crate) async fn read_sent(
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(Vec<(String, String)>, Vec<PhotoUpload>), AppError> {
    let form = form.map_err(|e| {
        AppError::Invalid(format!("请以 multipart/form-data 上传：{}", e.body_text()))
    })?;
    read(form).await
}

/// The value of the first non-empty field called `name`.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}
