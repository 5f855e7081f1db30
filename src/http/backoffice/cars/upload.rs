//! Receiving `multipart/form-data` uploads: a few short text fields and at most one file,
//! recognized by its content and streamed to disk within the configured size.

use std::collections::HashMap;

use axum::{
    extract::{FromRequest, Multipart, Request, multipart::Field},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{
    domain::upload::FileKind,
    http::{AppState, error::ApiError},
    store::files::{Incoming, StoredFile},
};

/// Room for the text fields and the multipart framing around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Longest text field, in bytes.
const TEXT_MAX: usize = 1024;

/// Enough leading bytes to recognize every accepted kind of file.
const SNIFF_LEN: usize = 8;

/// A `multipart/form-data` body, not yet read. Any other body is refused with 415; the
/// route reads it only after checking the staff member's permission.
pub struct MultipartForm(Multipart);

impl<S: Send + Sync> FromRequest<S> for MultipartForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let declared = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"));
        if !declared {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                axum::Json(json!({
                    "error": "El cuerpo de la solicitud debe ser multipart/form-data"
                })),
            )
                .into_response());
        }
        Multipart::from_request(req, state)
            .await
            .map(Self)
            .map_err(|_| malformed().into_response())
    }
}

fn malformed() -> ApiError {
    ApiError::message("El cuerpo multipart/form-data no es válido")
}

/// Which files a route takes.
#[derive(Debug, Clone, Copy)]
pub enum Accepts {
    /// PDF, JPEG or PNG.
    Documents,
    /// JPEG or PNG.
    Images,
}

impl Accepts {
    fn allows(self, kind: FileKind) -> bool {
        match self {
            Self::Documents => true,
            Self::Images => kind.is_image(),
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Self::Documents => "El archivo debe ser PDF, JPEG o PNG",
            Self::Images => "El archivo debe ser JPEG o PNG",
        }
    }
}

/// Where a received file goes and what it may be.
pub struct Target<'a> {
    pub folder: &'a str,
    pub accepts: Accepts,
    /// The text fields the route reads; any other field is skipped.
    pub text_fields: &'a [&'a str],
}

/// A form as received: its text fields and its `file` part, complete on disk under a
/// temporary name.
pub struct ReceivedForm {
    texts: HashMap<String, String>,
    file: Option<(FileKind, Incoming)>,
}

impl ReceivedForm {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }

    /// Gives the file its final name; from then on it is served, so call this only once
    /// the rest of the form is valid.
    pub async fn store_file(&mut self) -> Result<Option<StoredFile>, ApiError> {
        match self.file.take() {
            Some((kind, incoming)) => Ok(Some(
                incoming
                    .finish(kind.extension())
                    .await
                    .map_err(anyhow::Error::from)?,
            )),
            None => Ok(None),
        }
    }
}

/// Bytes read from the body so far, against its limits.
struct Budget {
    read: usize,
    body_max: usize,
    file_max: usize,
}

impl Budget {
    async fn next_chunk(
        &mut self,
        field: &mut Field<'_>,
    ) -> Result<Option<axum::body::Bytes>, ApiError> {
        let chunk = field.chunk().await.map_err(|err| {
            if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                malformed()
            }
        })?;
        if let Some(bytes) = &chunk {
            self.read += bytes.len();
            if self.read > self.body_max {
                return Err(ApiError::PayloadTooLarge);
            }
        }
        Ok(chunk)
    }
}

/// Reads the whole form. The file is refused (400) unless its content is of a kind the
/// route accepts, and (413) once it passes the configured size; the body as a whole may
/// not pass that size by more than a small overhead.
pub async fn receive(
    MultipartForm(mut multipart): MultipartForm,
    state: &AppState,
    target: &Target<'_>,
) -> Result<ReceivedForm, ApiError> {
    let file_max = state.config.upload_max_bytes;
    let mut budget = Budget {
        read: 0,
        body_max: file_max.saturating_add(FORM_OVERHEAD),
        file_max,
    };
    let mut form = ReceivedForm {
        texts: HashMap::new(),
        file: None,
    };
    while let Some(mut field) = multipart.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if form.file.is_some() {
                return Err(ApiError::message(
                    "Envía un solo archivo en el campo 'file'",
                ));
            }
            form.file = Some(receive_file(&mut field, &mut budget, state, target).await?);
        } else if target.text_fields.contains(&name.as_str()) {
            let text = receive_text(&mut field, &mut budget, &name).await?;
            form.texts.insert(name, text);
        } else {
            while budget.next_chunk(&mut field).await?.is_some() {}
        }
    }
    Ok(form)
}

async fn receive_text(
    field: &mut Field<'_>,
    budget: &mut Budget,
    name: &str,
) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = budget.next_chunk(field).await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > TEXT_MAX {
            return Err(ApiError::message(format!(
                "El campo '{name}' es demasiado largo"
            )));
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| ApiError::message(format!("El campo '{name}' no es un texto válido")))
}

/// Reads the first bytes to recognize the file before any of it reaches the disk, then
/// streams the rest there.
async fn receive_file(
    field: &mut Field<'_>,
    budget: &mut Budget,
    state: &AppState,
    target: &Target<'_>,
) -> Result<(FileKind, Incoming), ApiError> {
    let mut head = Vec::new();
    while head.len() < SNIFF_LEN {
        match budget.next_chunk(field).await? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => break,
        }
    }
    let kind = FileKind::sniff(&head)
        .filter(|kind| target.accepts.allows(*kind))
        .ok_or_else(|| ApiError::message(target.accepts.refusal()))?;
    if head.len() > budget.file_max {
        return Err(ApiError::PayloadTooLarge);
    }

    let mut incoming = Incoming::create(&state.config.files_dir, target.folder)
        .await
        .map_err(anyhow::Error::from)?;
    incoming.write(&head).await.map_err(anyhow::Error::from)?;
    while let Some(chunk) = budget.next_chunk(field).await? {
        if incoming.size() as usize + chunk.len() > budget.file_max {
            return Err(ApiError::PayloadTooLarge);
        }
        incoming.write(&chunk).await.map_err(anyhow::Error::from)?;
    }
    Ok((kind, incoming))
}
