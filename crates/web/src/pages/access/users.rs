//! 账号管理 — the system administrator's page: accounts of the administrator's scope, found by
//! phone through the blind index, created and disabled.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extract::page::{Path, Query};
use crate::pages::Shell;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pingan_app::{AppError, NewAccount, UserSummary};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{username}/disable", post(disable))
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    users: Vec<UserRow>,
    phone: String,
    /// The roles an account may be given: key and label.
    roles: Vec<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
    form: AccountForm,
}

struct UserRow {
    user: UserSummary,
    created: String,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    phone: Option<String>,
    created: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct AccountForm {
    username: String,
    display_name: String,
    org: String,
    role: String,
    password: String,
    phone: String,
    /// The department code of a 部门承办人.
    department: String,
}

const LIMIT: i64 = 500;

async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<UsersPage, PageError> {
    let notice = q.created.map(|u| format!("已新建账号 {u}"));
    render(
        &state,
        &page,
        q.phone.unwrap_or_default(),
        notice,
        None,
        AccountForm::default(),
    )
    .await
}

async fn render(
    state: &AppState,
    page: &PageUser,
    phone: String,
    notice: Option<String>,
    error: Option<String>,
    form: AccountForm,
) -> Result<UsersPage, PageError> {
    let actor = page.actor();
    let scope = page.user.scope();
    let users = if phone.trim().is_empty() {
        state.app.access().list_users(&actor, &scope, LIMIT).await?
    } else {
        state
            .app
            .access()
            .find_users_by_phone(&actor, &scope, &phone)
            .await?
    };
    let users = users
        .into_iter()
        .map(|u| UserRow {
            created: pingan_domain::time::format_minute(u.created_at),
            user: u,
        })
        .collect();
    Ok(UsersPage {
        shell: Shell::new(&state.app, &page.user, "/users").await?,
        users,
        phone,
        roles: state.app.access().role_choices(&actor).await?,
        notice,
        error,
        form,
    })
}

async fn create(
    State(state): State<AppState>,
    page: PageUser,
    Form(f): Form<AccountForm>,
) -> Result<Response, PageError> {
    let account = NewAccount {
        username: f.username.trim().to_owned(),
        display_name: f.display_name.clone(),
        org: f.org.trim().to_owned(),
        role: f.role.clone(),
        password: f.password.clone(),
        phone: Some(f.phone.clone()),
        department: Some(f.department.clone()),
    };
    match state.app.access().add_user(&page.actor(), &account).await {
        Ok(()) => Ok(Redirect::to(&format!("/users?created={}", account.username)).into_response()),
        Err(AppError::Invalid(msg) | AppError::Conflict(msg) | AppError::Forbidden(msg)) => {
            let form = AccountForm {
                password: String::new(),
                ..f
            };
            let body = render(&state, &page, String::new(), None, Some(msg), form).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    State(state): State<AppState>,
    page: PageUser,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    match state
        .app
        .access()
        .disable_user(&page.actor(), &username)
        .await
    {
        Ok(()) => Ok(Redirect::to("/users").into_response()),
        Err(AppError::Invalid(msg)) => {
            let body = render(
                &state,
                &page,
                String::new(),
                None,
                Some(msg),
                AccountForm::default(),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
