//! [`CvmRoleProvider`]: temporary credentials of the CVM instance's CAM role, fetched from the
//! instance metadata service and cached until shortly before they expire.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::error::CredentialsError;
use super::keys::Credentials;
use super::provider::{CredentialsFuture, ProvideCredentials};

/// The default metadata URL listing the CVM instance's CAM role.
pub const CVM_METADATA_URL: &str =
    "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/";

/// Temporary credentials of the CVM instance's CAM role, from the instance metadata service.
///
/// `GET <base>` names the role (unless one is configured), `GET <base><role>` returns
/// `TmpSecretId`, `TmpSecretKey`, `Token` and `ExpiredTime` (unix seconds). The credentials are
/// cached and fetched again once they are within the refresh margin (five minutes by default)
/// of expiring. Requests use short timeouts and no proxy, so off-cloud the provider fails fast.
pub struct CvmRoleProvider {
    base_url: String,
    role: Option<String>,
    http: reqwest::Client,
    refresh_margin: Duration,
    cache: tokio::sync::Mutex<Option<Credentials>>,
}

impl fmt::Debug for CvmRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CvmRoleProvider")
            .field("base_url", &self.base_url)
            .field("role", &self.role)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl Default for CvmRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CvmRoleProvider {
    /// The provider for the real metadata service.
    pub fn new() -> Self {
        Self::with_base_url(CVM_METADATA_URL)
    }

    /// A provider reading another metadata URL (for tests); a trailing `/` is added if
    /// missing.
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap_or_default();
        Self {
            base_url,
            role: None,
            http,
            refresh_margin: Duration::from_secs(300),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// Uses this role instead of asking the metadata service which role is attached.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Fetches new credentials once the cached ones are within `margin` of expiring.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The metadata URL this provider reads.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn get_text(&self, url: &str) -> Result<(u16, String), reqwest::Error> {
        let response = self.http.get(url).send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, text))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let where_ = format!("CVM role credentials at {}", self.base_url);
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                let (status, text) = self.get_text(&self.base_url).await.map_err(|e| {
                    CredentialsError::unavailable(
                        format!("{where_}: the metadata service is not reachable"),
                        e,
                    )
                })?;
                if status == 404 {
                    return Err(CredentialsError::not_found(format!(
                        "{where_}: no CAM role is attached to this instance"
                    )));
                }
                if !(200..300).contains(&status) {
                    return Err(CredentialsError::not_found(format!(
                        "{where_}: the metadata service answered HTTP {status}"
                    )));
                }
                match text.lines().map(str::trim).find(|l| !l.is_empty()) {
                    Some(role) => role.to_owned(),
                    None => {
                        return Err(CredentialsError::not_found(format!(
                            "{where_}: no CAM role is attached to this instance"
                        )))
                    }
                }
            }
        };
        let url = format!("{}{}", self.base_url, role);
        let (status, text) = self.get_text(&url).await.map_err(|e| {
            CredentialsError::unavailable(
                format!("{where_}: the credentials of role {role} could not be fetched"),
                e,
            )
        })?;
        if !(200..300).contains(&status) {
            return Err(CredentialsError::not_found(format!(
                "{where_}: role {role} answered HTTP {status}"
            )));
        }
        parse_role_credentials(&text).map_err(|what| {
            CredentialsError::invalid(format!(
                "{where_}: the answer for role {role} is not usable: {what}"
            ))
        })
    }
}

#[derive(serde::Deserialize)]
struct RoleCredentials {
    #[serde(rename = "TmpSecretId")]
    secret_id: String,
    #[serde(rename = "TmpSecretKey")]
    secret_key: String,
    #[serde(rename = "Token")]
    token: String,
    #[serde(rename = "ExpiredTime")]
    expired_time: u64,
    #[serde(rename = "Code", default)]
    code: Option<String>,
}

fn parse_role_credentials(text: &str) -> Result<Credentials, &'static str> {
    // Never include the body in the message: it holds the secret key.
    let parsed: RoleCredentials = serde_json::from_str(text)
        .map_err(|_| "expected JSON with TmpSecretId, TmpSecretKey, Token and ExpiredTime")?;
    if let Some(code) = &parsed.code {
        if code != "Success" {
            return Err("its Code is not Success");
        }
    }
    if parsed.secret_id.is_empty() || parsed.secret_key.is_empty() {
        return Err("TmpSecretId or TmpSecretKey is empty");
    }
    let expires = UNIX_EPOCH
        .checked_add(Duration::from_secs(parsed.expired_time))
        .ok_or("ExpiredTime is out of range")?;
    let mut creds = Credentials::new(parsed.secret_id, parsed.secret_key).with_expiry(expires);
    if !parsed.token.is_empty() {
        creds = creds.with_token(parsed.token);
    }
    Ok(creds)
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            let now = SystemTime::now();
            if let Some(creds) = cache.as_ref() {
                let fresh = creds
                    .expires_at()
                    .map(|at| {
                        now.checked_add(self.refresh_margin)
                            .is_some_and(|refresh_at| refresh_at < at)
                    })
                    .unwrap_or(true);
                if fresh {
                    return Ok(creds.clone());
                }
            }
            match self.fetch().await {
                Ok(creds) => {
                    tracing::debug!(
                        target: "tencentcloud_transport::credentials",
                        "fetched CVM role credentials"
                    );
                    *cache = Some(creds.clone());
                    Ok(creds)
                }
                Err(e) => {
                    // Still valid, only inside the refresh margin: keep using them.
                    if let Some(creds) = cache.as_ref() {
                        if creds.expires_at().map(|at| now < at).unwrap_or(false) {
                            tracing::warn!(
                                target: "tencentcloud_transport::credentials",
                                error = %e,
                                "refreshing CVM role credentials failed; using the cached ones until they expire"
                            );
                            return Ok(creds.clone());
                        }
                    }
                    Err(e)
                }
            }
        })
    }

    fn description(&self) -> String {
        match &self.role {
            Some(role) => format!("CVM role {role} (metadata service {})", self.base_url),
            None => format!(
                "the CVM instance's role (metadata service {})",
                self.base_url
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_answer() {
        let ok = r#"{"TmpSecretId":"id","TmpSecretKey":"k","Token":"t","ExpiredTime":1700000000,"Code":"Success"}"#;
        let c = parse_role_credentials(ok).unwrap();
        assert_eq!(c.token(), Some("t"));
        assert!(parse_role_credentials("{}").is_err());
        assert!(parse_role_credentials("not json").is_err());
        let bad =
            r#"{"TmpSecretId":"id","TmpSecretKey":"k","Token":"t","ExpiredTime":1,"Code":"Fail"}"#;
        assert!(parse_role_credentials(bad).is_err());
    }
}
