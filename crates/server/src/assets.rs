//! Static assets (CSS, vendored JavaScript) embedded in the binary: banks run
//! closed networks, so nothing is loaded from a CDN.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;

use crate::AppState;

#[derive(Embed)]
#[folder = "../../assets/"]
#[exclude = "vendor/LICENSE*"]
#[exclude = "vendor/NOTICE*"]
#[exclude = "*.md"]
struct Assets;

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(asset))
}

async fn asset(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
                    (
                        header::ETAG,
                        format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8])),
                    ),
                ],
                file.data,
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
